args: --attack @ATTACK@/enterprise-attack-18.1.json search disable or modify tools --format json
check: j[0]['id'] == 'T1562.001' and j[0]['field'] == 'name'
