# The ATT&CK techniques Process Termination counters, with their ATT&CK 18.1 status.
args: counters D3-PT --format json
check: list(j[0]) == ['attack_id', 'name', 'status']
check: {'attack_id': 'T1562.001', 'name': 'Disable or Modify Tools', 'status': 'live'} in j
check: {r['attack_id'] for r in j if r['attack_id'] in set(words('d3fend/d3fend-0.17.0-reference-techniques-sample.txt'))} == {t['attack_id'] for t in tsv('d3fend/d3fend-0.17.0-reference-mappings-sample.tsv') if t['d3fend_technique'] == 'ProcessTermination'}
check: len(j) == 36 and [r['attack_id'] for r in j] == sorted(r['attack_id'] for r in j)
# Status as the 18.1 bundle has it: T1053.001 revoked, T1053.004 deprecated.
check: {r['attack_id']: r['status'] for r in j if r['status'] != 'live'} == {'T1053.001': 'revoked', 'T1053.004': 'deprecated'}
check: attack('attack/enterprise-attack-18.1.json')['T1053.001']['revoked'] and attack('attack/enterprise-attack-18.1.json')['T1053.004']['deprecated']
