# NUL characters in a rules file (found by rules_fuzz: yaml-cpp 0.7 can loop on them): not-yaml at the first one.
setup: printf -- '- list: l\n  items: [a\0\0\0, b]\n' > nul.yaml
args: check-rules @TMP@/nul.yaml
timeout: 20
exit: 1
check: lines[0] == '@TMP@/nul.yaml:2:12: error: not-yaml: Rules content is not yaml: NUL character'
