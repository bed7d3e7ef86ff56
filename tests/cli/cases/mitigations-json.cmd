args: --attack @ATTACK@/enterprise-attack-18.1.json mitigations T1562.001 --format json
check: {'id': 'M1022', 'name': 'Restrict File and Directory Permissions'}.items() <= [m for m in j if m['id'] == 'M1022'][0].items()
check: [m['id'] for m in j] == ['M1018', 'M1022', 'M1024', 'M1038', 'M1047']
