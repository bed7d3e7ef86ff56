# show T gains D3FEND's countermeasures grouped by tactic; the existing members stay as they were.
args: show T1562.001 --format json
check: list(j)[:18] == ['id', 'stix_id', 'type', 'name', 'description', 'url', 'platforms', 'tactics', 'parent', 'subtechniques', 'revoked', 'deprecated', 'revoked_by', 'aliases', 'domains', 'shortname', 'version', 'modified']
check: list(j)[18:] == ['d3fend_coverage', 'countermeasures'] and j['d3fend_coverage'] == 'listed'
check: {'d3fend_id': 'D3-PT', 'd3fend_class': 'ProcessTermination', 'd3fend_label': 'Process Termination'} in j['countermeasures']['Evict']
check: list(j['countermeasures']) == [t for t in ['Model', 'Harden', 'Detect', 'Isolate', 'Deceive', 'Evict', 'Restore'] if t in j['countermeasures']]
check: {(tactic, c['d3fend_class']) for tactic, cs in j['countermeasures'].items() for c in cs} == {(t['d3fend_tactic'], t['d3fend_technique']) for t in tsv('d3fend/d3fend-0.17.0-reference-mappings-sample.tsv') if t['attack_id'] == 'T1562.001'}
