# A list of a million items used by a rule: loads (slowly: yaml-cpp), no error.
setup: python3 -c "print('- list: many\n  items: [' + ', '.join('item%d' % i for i in range(1000000)) + ']\n- rule: r\n  desc: d\n  condition: evt.type = open and proc.name in (many)\n  output: o\n  priority: INFO')" > million.yaml
args: rules @TMP@/million.yaml --format json
timeout: 280
check: len(j) == 1 and j[0]['name'] == 'r' and j[0]['event_types'] == ['open'] and j[0]['enabled'] is True
