# show falls back to D3FEND artifacts too (answered as 'artifacts NAME').
args: show OperatingSystemProcess --format json
check: j['class'] == 'OperatingSystemProcess' and j['parent'] == 'Process'
check: {'attack_id': 'T1562.001', 'name': 'Disable or Modify Tools', 'relation': 'disables', 'artifact': 'OperatingSystemProcess'} in j['offensive']
