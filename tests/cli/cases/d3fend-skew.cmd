# Version skew of ATT&CK 18.1 (enterprise, the domain D3FEND maps) and D3FEND 0.17.0, checked against both files.
args: d3fend-skew --format json
check: list(j[0]) == ['status', 'attack_id', 'name', 'replaced_by', 'replaced_by_name', 'mapped_through']
check: {r['attack_id'] for r in j if r['status'] == 'not-in-d3fend'} == {t for t, o in attack('attack/enterprise-attack-18.1.json').items() if not o['revoked'] and not o['deprecated']} - d3fend_ids('d3fend/d3fend-0.17.0.json')
check: {(r['attack_id'], r['replaced_by']) for r in j if r['status'] == 'revoked'} == {(t, o['replaced_by']) for t, o in attack('attack/enterprise-attack-18.1.json').items() if o['revoked'] and t in d3fend_ids('d3fend/d3fend-0.17.0.json')}
check: {r['attack_id'] for r in j if r['status'] == 'deprecated'} == {t for t, o in attack('attack/enterprise-attack-18.1.json').items() if o['deprecated'] and not o['revoked'] and t in d3fend_ids('d3fend/d3fend-0.17.0.json')}
check: [sum(r['status'] == s for r in j) for s in ('not-in-d3fend', 'revoked', 'deprecated', 'absent')] == [55, 132, 12, 0]
check: {'status': 'not-in-d3fend', 'attack_id': 'T1667', 'name': 'Email Bombing', 'replaced_by': None, 'replaced_by_name': None, 'mapped_through': []} in j
check: {'status': 'revoked', 'attack_id': 'T1142', 'name': 'Keychain', 'replaced_by': 'T1555.001', 'replaced_by_name': 'Keychain', 'mapped_through': []} in j
# Every technique D3FEND lacks was created after the newest one it lists (March 2024): newer than the release.
check: min(attack('attack/enterprise-attack-18.1.json')[r['attack_id']]['created'] for r in j if r['status'] == 'not-in-d3fend') > max(o['created'] for t, o in attack('attack/enterprise-attack-18.1.json').items() if t in d3fend_ids('d3fend/d3fend-0.17.0.json'))
