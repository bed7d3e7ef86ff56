args: --attack @ATTACK@/enterprise-attack-18.1.json --attack @ATTACK@/mobile-attack-18.1.json show Phishing
stderr-contains: 2 objects match "Phishing"
check: lines == ['ID     TYPE       NAME      DOMAINS', 'T1566  technique  Phishing  enterprise', 'T1660  technique  Phishing  mobile']
