args: --data @DATA@ matrix --domain ics --format csv
check: rows[0]['tactic_id'] == 'TA0108' and all(r['id'].startswith('T0') for r in rows)
