# 10,000 nested YAML flow sequences as a list's items: yaml-cpp's depth guard becomes a not-yaml diagnostic.
setup: python3 -c "print('- list: l\n  items: ' + '['*10000 + ']'*10000)" > deep.yaml
args: check-rules @TMP@/deep.yaml
exit: 1
timeout: 60
check: lines[0].startswith('@TMP@/deep.yaml:') and ': error: not-yaml: Rules content is not yaml: ' in lines[0]
check: lines[-1] == '1 files, 0 lists, 0 macros, 0 rules (0 enabled), 1 errors, 0 warnings'
