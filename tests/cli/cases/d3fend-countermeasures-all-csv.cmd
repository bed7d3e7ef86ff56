# --all: every ATT&CK technique D3FEND lists, by D3FEND's own ids; the CSV shape of D3FEND's full-mappings export.
args: countermeasures --all --format csv
check: lines[0] == 'attack_id,d3fend_id,d3fend_class,d3fend_label,d3fend_tactic'
# For the reference sample's techniques: exactly the sample's (technique, countermeasure, tactic) triples.
check: {(r['attack_id'], r['d3fend_class'], r['d3fend_tactic']) for r in rows if r['attack_id'] in set(words('d3fend/d3fend-0.17.0-reference-techniques-sample.txt'))} == {(t['attack_id'], t['d3fend_technique'], t['d3fend_tactic']) for t in tsv('d3fend/d3fend-0.17.0-reference-mappings-sample.tsv')}
# One row per pair, ordered by ATT&CK id then class.
check: [(r['attack_id'], r['d3fend_class']) for r in rows] == sorted({(r['attack_id'], r['d3fend_class']) for r in rows})
# 4,121 pairs over 406 techniques (tests/api/d3fend_test.cpp accounts for the 4,079 the inference note quotes).
check: len(rows) == 4121 and len({r['attack_id'] for r in rows}) == 406
# Keyed by D3FEND's own ids: T1142, which ATT&CK 18.1 revoked, keeps its rows under T1142.
check: any(r['attack_id'] == 'T1142' for r in rows)
