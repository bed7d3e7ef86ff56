# 10,000 nested parentheses in a condition: one diagnostic at the opening parenthesis past depth 1000, no stack overflow.
setup: python3 -c "print('- rule: r\n  desc: d\n  condition: ' + '('*10000 + 'evt.type = open' + ')'*10000 + '\n  output: o\n  priority: INFO')" > deep.yaml
args: check-rules @TMP@/deep.yaml
exit: 1
timeout: 60
stdout-contains: @TMP@/deep.yaml:3:1014: error: condition-too-deep: exceeded max depth limit of 1000
stdout-contains: 1 files, 0 lists, 0 macros, 1 rules (0 enabled), 1 errors, 0 warnings
