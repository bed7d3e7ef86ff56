args: --attack @ATTACK@/enterprise-attack-18.1.json matrix --format json
check: len(j) == 14 and j[0]['id'] == 'TA0043' and j[-1]['id'] == 'TA0040'
check: sum(len(c['techniques']) for c in j) >= 216
check: [t for t in j[6]['techniques'] if t['id'] == 'T1562'][0]['subtechniques'] == 12
