args: --attack @ATTACK@/enterprise-attack-18.1.json platforms --format json
check: [p['name'] for p in j] == sorted([p['name'] for p in j]) and 'Linux' in [p['name'] for p in j]
