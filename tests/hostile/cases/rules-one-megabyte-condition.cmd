# A 1.3 MB condition (60,000 comparisons joined by or): compiles.
setup: python3 -c "print('- rule: r\n  desc: d\n  condition: evt.type = open and (' + ' or '.join('proc.name = n%d' % i for i in range(60000)) + ')\n  output: o\n  priority: INFO')" > big.yaml
args: check-rules @TMP@/big.yaml
timeout: 120
stdout-contains: 1 files, 0 lists, 0 macros, 1 rules (1 enabled), 0 errors, 0 warnings
