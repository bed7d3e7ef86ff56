# Each kind of skew in a small bundle: new, revoked into a new id, deprecated, absent.
args: --attack @FIXTURES@/skew-attack-2.0.json --d3fend @DATA@/d3fend/d3fend-0.17.0.json d3fend-skew --format csv
check: lines[0] == 'status,attack_id,name,replaced_by,replaced_by_name,mapped_through'
check: [(r['status'], r['attack_id'], r['replaced_by'], r['mapped_through']) for r in rows[:4]] == [('not-in-d3fend', 'T1667', '', ''), ('not-in-d3fend', 'T1999', '', 'T1142'), ('revoked', 'T1142', 'T1999', ''), ('deprecated', 'T1026', '', '')]
check: len(rows) == 4 + len(d3fend_ids('d3fend/d3fend-0.17.0.json')) - 4 and all(r['status'] == 'absent' for r in rows[4:])
