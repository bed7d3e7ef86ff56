# The countermeasures D3FEND infers for T1562.001: one row per (technique, countermeasure).
args: countermeasures T1562.001 --format json
check: [list(r) for r in j] == [['attack_id', 'd3fend_id', 'd3fend_class', 'd3fend_label', 'd3fend_tactic']] * len(j)
check: {'attack_id': 'T1562.001', 'd3fend_id': 'D3-PT', 'd3fend_class': 'ProcessTermination', 'd3fend_label': 'Process Termination', 'd3fend_tactic': 'Evict'} in j
# Exactly D3FEND's reference pairs (with their tactics), read from the data folder.
check: {(r['d3fend_class'], r['d3fend_tactic']) for r in j} == {(t['d3fend_technique'], t['d3fend_tactic']) for t in tsv('d3fend/d3fend-0.17.0-reference-mappings-sample.tsv') if t['attack_id'] == 'T1562.001'}
check: len(j) == len({r['d3fend_class'] for r in j}) == 10
check: [r['d3fend_class'] for r in j] == sorted(r['d3fend_class'] for r in j)
check: all(r['attack_id'] == 'T1562.001' for r in j)
