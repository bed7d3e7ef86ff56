# --fix --dry-run prints a unified diff and leaves the file alone.
setup: cp @DATA@/seed/blog-example-rules.yaml seed.yaml
args: lint-tags --fix --dry-run @TMP@/seed.yaml
exit: 0
check: lines[0].startswith('--- a/') and lines[0].endswith('/seed.yaml') and not lines[0].startswith('--- a//') and lines[2] == '@@ -30,7 +30,6 @@'
check: '-    - MITRE_TA0008_defense evasion' in lines and '+    - MITRE_T1070_indicator_removal' in lines
check: len([l for l in lines if l.startswith('+') or l.startswith('-')]) == 5
after: cmp @DATA@/seed/blog-example-rules.yaml seed.yaml
