# rules --source: only that source's rules (the k8s file loaded after the syscall one), as CSV.
args: rules @DATA@/falco/rules/falco_rules.yaml @DATA@/falco/rules/plugins/k8saudit/k8s_audit_rules.yaml --source k8s_audit --format csv
check: len(rows) == 48 and {r['source'] for r in rows} == {'k8s_audit'}
check: list(rows[0].keys()) == ['name', 'source', 'priority', 'enabled', 'event_types', 'tags']
check: all(r['event_types'] == '' for r in rows)
