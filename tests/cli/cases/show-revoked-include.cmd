args: --attack @ATTACK@/enterprise-attack-18.1.json show T1089 --include-revoked --format json
check: err == ''
check: j['id'] == 'T1089' and j['name'] == 'Disabling Security Tools' and j['revoked'] is True
check: j['revoked_by'] == {'id': 'T1562.001', 'name': 'Disable or Modify Tools'}
