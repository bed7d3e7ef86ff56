args: countermeasures T1562.001 T1505.003 --tactic evict --format json
check: {r['d3fend_tactic'] for r in j} == {'Evict'}
check: {(r['attack_id'], r['d3fend_class']) for r in j} == {(t['attack_id'], t['d3fend_technique']) for t in tsv('d3fend/d3fend-0.17.0-reference-mappings-sample.tsv') if t['attack_id'] in ('T1562.001', 'T1505.003') and t['d3fend_tactic'] == 'Evict'}
check: [r['attack_id'] for r in j] == sorted(r['attack_id'] for r in j)
