# rules on files with errors: exit 2, one line with the first error and the count.
args: rules @DATA@/falco/test_rules/invalid_rule_output.yaml
exit: 2
stderr: mitre-query: @DATA@/falco/test_rules/invalid_rule_output.yaml:20:29: error: bad-output: invalid formatting token not_a_real_field (1 errors; see check-rules)
