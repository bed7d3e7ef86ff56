# Forty lists each naming the one before twice (2^40 items once inlined): one condition-too-large error, no exhausted memory, no hang.
setup: python3 -c "print('- list: l0\n  items: [a]'); [print('- list: l%d\n  items: [l%d, l%d]' % (i, i - 1, i - 1)) for i in range(1, 41)]; print('- rule: r\n  desc: d\n  condition: evt.type = open and proc.name in (l40)\n  output: o\n  priority: INFO')" > exp.yaml
args: check-rules @TMP@/exp.yaml
exit: 1
timeout: 60
stdout-contains: error: condition-too-large: list 'l
# Reported once, at the list: the rule using it fails quietly (the list was expanded once, by the compiler).
check: out.count('condition-too-large') == 1
