# The article's two rules: a tactic id whose name is another tactic, a space, a renamed technique; exit 1 (errors).
args: lint-tags @DATA@/seed/blog-example-rules.yaml
exit: 1
check: len(lines) == 4
check: lines[0].split('/seed/', 1)[1] == 'blog-example-rules.yaml:33:7: error: tactic-name-mismatch: TA0008 is Lateral Movement, not \'defense-evasion\' (TA0005 Defense Evasion) (fix: MITRE_TA0005_defense_evasion)'
check: lines[1].split('/seed/', 1)[1] == "blog-example-rules.yaml:33:7: warning: malformed-tag: malformed tag 'MITRE_TA0008_defense evasion': a space (fix: MITRE_TA0005_defense_evasion)"
check: lines[2].split('/seed/', 1)[1] == 'blog-example-rules.yaml:33:7: warning: surplus-tactic: no technique of this rule is in tactic TA0005 Defense Evasion (fix: remove the tag)'
check: lines[3].split('/seed/', 1)[1] == "blog-example-rules.yaml:59:7: warning: stale-name: 'indicator_removal_on_host' is not the name of T1070 Indicator Removal (fix: MITRE_T1070_indicator_removal)"
