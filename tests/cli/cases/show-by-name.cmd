args: --attack @ATTACK@/enterprise-attack-18.1.json show "disable or modify tools" --format json
check: j['id'] == 'T1562.001'
