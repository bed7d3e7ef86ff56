# --all --explain: the rows of the reference sample exactly, for its techniques.
args: countermeasures --all --explain --format csv
check: lines[0] == 'attack_id,d3fend_id,d3fend_class,d3fend_label,d3fend_tactic,off_artifact,off_relation,def_artifact,def_relation'
check: sorted((r['attack_id'], r['d3fend_class'], r['d3fend_tactic'], r['off_artifact'], r['off_relation'], r['def_artifact'], r['def_relation']) for r in rows if r['attack_id'] in set(words('d3fend/d3fend-0.17.0-reference-techniques-sample.txt'))) == sorted(tuple(t.values()) for t in tsv('d3fend/d3fend-0.17.0-reference-mappings-sample.tsv'))
check: [(r['attack_id'], r['d3fend_class'], r['off_artifact'], r['off_relation'], r['def_artifact'], r['def_relation']) for r in rows] == sorted((r['attack_id'], r['d3fend_class'], r['off_artifact'], r['off_relation'], r['def_artifact'], r['def_relation']) for r in rows)
