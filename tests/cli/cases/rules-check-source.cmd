# --source: only the syscall source is loaded, so the cloudtrail rule is skipped with a warning (exit 0).
args: check-rules --source syscall @DATA@/falco/test_rules/plugins/cloudtrail_create_instances.yaml
check: lines[0].endswith(': warning: unknown-source: Unknown source aws_cloudtrail, skipping')
check: lines[-1] == '1 files, 0 lists, 0 macros, 1 rules (0 enabled), 0 errors, 1 warnings'
