# A file that cannot be read is a diagnostic like any other (exit 1), the other files still load.
args: check-rules @DATA@/falco/rules/no-such-file.yaml @DATA@/falco/test_rules/single_rule.yaml
exit: 1
check: lines[0] == '@DATA@/falco/rules/no-such-file.yaml: error: file-read: Could not read rules file: No such file or directory'
check: lines[-1] == '2 files, 2 lists, 1 macros, 1 rules (1 enabled), 1 errors, 0 warnings'
