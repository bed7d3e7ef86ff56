# The three current syscall rule files load cleanly, in order.
args: check-rules @DATA@/falco/rules/falco_rules.yaml @DATA@/falco/rules/falco-incubating_rules.yaml @DATA@/falco/rules/falco-sandbox_rules.yaml
check: lines == ['3 files, 118 lists, 315 macros, 93 rules (81 enabled), 0 errors, 0 warnings']
