# A 100 MB rules file: refused at once by the size limit (yaml-cpp would need minutes and GBs), one error.
setup: python3 -c "import sys; r = ''.join('- rule: rule %d\n  desc: d\n  condition: evt.type = open and proc.name = n%d\n  output: o\n  priority: INFO\n' % (i, i) for i in range(10000)); sys.stdout.write(r * (100 * 2**20 // len(r) + 1))" > big.yaml
args: check-rules @TMP@/big.yaml
exit: 1
timeout: 60
check: lines[0].startswith('@TMP@/big.yaml: error: file-too-large: Rules file is ') and int(lines[0].split('Rules file is ')[1].split()[0]) >= 100 * 2**20
check: lines[1] == '1 files, 0 lists, 0 macros, 0 rules (0 enabled), 1 errors, 0 warnings'
