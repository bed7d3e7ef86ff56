# Thirty macros each naming the one before twice (2^30 nodes once inlined, a fuzzer's find): one condition-too-large error, no exhausted memory, no hang.
setup: python3 -c "print('- macro: m0\n  condition: proc.name = a'); [print('- macro: m%d\n  condition: (m%d or m%d)' % (i, i - 1, i - 1)) for i in range(1, 31)]; print('- rule: r\n  desc: d\n  condition: evt.type = open and m30\n  output: o\n  priority: INFO')" > exp.yaml
args: check-rules @TMP@/exp.yaml
exit: 1
timeout: 60
stdout-contains: error: condition-too-large: more than 250000 nodes with macros inlined
