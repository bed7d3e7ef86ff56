# check-rules has text and JSON output only.
args: check-rules @DATA@/falco/test_rules/single_rule.yaml --format csv
exit: 2
stderr: mitre-query: check-rules --format must be text or json, not "csv"
