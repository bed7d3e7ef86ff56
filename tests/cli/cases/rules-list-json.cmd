# rules: the loaded rules with source, priority, enabled, event types and tags.
args: rules @DATA@/falco/rules/falco_rules.yaml --format json
check: len(j) == 25 and all(r['source'] == 'syscall' and r['enabled'] for r in j)
check: [r for r in j if r['name'] == 'Terminal shell in container'][0]['event_types'] == ['execve', 'execveat']
check: 'T1059' in [r for r in j if r['name'] == 'Terminal shell in container'][0]['tags']
check: sorted({r['priority'] for r in j}) == ['CRITICAL', 'INFORMATIONAL', 'NOTICE', 'WARNING']
