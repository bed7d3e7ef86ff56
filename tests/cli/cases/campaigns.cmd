args: --attack @ATTACK@/enterprise-attack-18.1.json campaigns T1562.001 --format json
check: [c['id'] for c in j] == ['C0002', 'C0024', 'C0028', 'C0029', 'C0035', 'C0038', 'C0046', 'C0055', 'C0058']
