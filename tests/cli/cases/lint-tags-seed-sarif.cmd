# SARIF 2.1.0 (schema validation: tests/tags/sarif_test.py): rules table and results with locations and fixes.
args: lint-tags --report sarif @DATA@/seed/blog-example-rules.yaml
exit: 1
check: j['version'] == '2.1.0' and len(j['runs']) == 1
check: [r['ruleId'] for r in j['runs'][0]['results']] == ['tactic-name-mismatch', 'malformed-tag', 'surplus-tactic', 'stale-name']
check: 'unknown-technique' in [r['id'] for r in j['runs'][0]['tool']['driver']['rules']]
check: j['runs'][0]['results'][3]['locations'][0]['physicalLocation']['region']['startLine'] == 59
check: j['runs'][0]['results'][3]['fixes'][0]['artifactChanges'][0]['replacements'][0]['insertedContent']['text'] == 'MITRE_T1070_indicator_removal'
