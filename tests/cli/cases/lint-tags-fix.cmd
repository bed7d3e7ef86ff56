# --fix rewrites only the offending tags: the diff against the original is exactly the two tag lines.
setup: cp @DATA@/seed/blog-example-rules.yaml seed.yaml
args: lint-tags --fix @TMP@/seed.yaml
exit: 0
after: diff @DATA@/seed/blog-example-rules.yaml seed.yaml > d.txt; test "$(cat d.txt)" = "$(printf '33d32\n<     - MITRE_TA0008_defense evasion\n59c58\n<     - MITRE_T1070_indicator_removal_on_host\n---\n>     - MITRE_T1070_indicator_removal')"
after: test -z "$(ls | grep -v '^seed.yaml$' | grep -v '^d.txt$' | grep -v '^cache$')"
