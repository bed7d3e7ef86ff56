args: --attack @ATTACK@/enterprise-attack-18.1.json search zzqqxxjj --format json
exit: 1
check: j == []
