args: --attack @ATTACK@/enterprise-attack-18.1.json show T1562 --format json
check: j['parent'] is None and len(j['subtechniques']) == 12
check: j['subtechniques'][0] == {'id': 'T1562.001', 'name': 'Disable or Modify Tools'}
