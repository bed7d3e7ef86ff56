# JSON findings: one object per finding with the rule and the fix as an edit.
args: lint-tags --report json @DATA@/seed/blog-example-rules.yaml
exit: 1
check: [d['code'] for d in j] == ['tactic-name-mismatch', 'malformed-tag', 'surplus-tactic', 'stale-name']
check: j[0]['item'] == 'Launch Disallowed Container' and j[0]['severity'] == 'error'
check: j[3]['fix'] == {'line': 59, 'column': 7, 'end_line': 59, 'end_column': 44, 'replacement': 'MITRE_T1070_indicator_removal'}
check: j[2]['fix']['replacement'] == '' and j[2]['fix']['end_line'] == 34 and j[2]['fix']['end_column'] == 1
