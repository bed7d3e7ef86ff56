# --explain: one row per explanation (offensive artifact and relation, defensive artifact and relation).
args: countermeasures T1562.001 --explain --format json
check: list(j[0]) == ['attack_id', 'd3fend_id', 'd3fend_class', 'd3fend_label', 'd3fend_tactic', 'off_artifact', 'off_relation', 'def_artifact', 'def_relation']
check: {'attack_id': 'T1562.001', 'd3fend_id': 'D3-PT', 'd3fend_class': 'ProcessTermination', 'd3fend_label': 'Process Termination', 'd3fend_tactic': 'Evict', 'off_artifact': 'OperatingSystemProcess', 'off_relation': 'disables', 'def_artifact': 'Process', 'def_relation': 'terminates'} in j
check: sorted((r['attack_id'], r['d3fend_class'], r['d3fend_tactic'], r['off_artifact'], r['off_relation'], r['def_artifact'], r['def_relation']) for r in j) == sorted(tuple(t.values()) for t in tsv('d3fend/d3fend-0.17.0-reference-mappings-sample.tsv') if t['attack_id'] == 'T1562.001')
