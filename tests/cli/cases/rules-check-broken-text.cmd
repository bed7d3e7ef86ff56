# A broken append (the base alone is valid): the position is the offending token in the second file; every diagnostic as file:line:column: severity: code: message, then the summary; exit 1.
args: check-rules @DATA@/falco/test_rules/invalid_base_rule.yaml @DATA@/falco/test_rules/invalid_append_rule.yaml
exit: 1
check: lines == ["@DATA@/falco/test_rules/invalid_append_rule.yaml:3:14: error: condition-syntax: unexpected token after 'open', expecting 'or', 'and'", '2 files, 0 lists, 0 macros, 1 rules (0 enabled), 1 errors, 0 warnings']
