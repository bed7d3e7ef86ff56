# The techniques that touch Process or one of its subclasses.
args: artifacts Process --format json
check: list(j) == ['class', 'label', 'parent', 'subclasses', 'definition', 'offensive', 'defensive']
check: {'attack_id': 'T1562.001', 'name': 'Disable or Modify Tools', 'relation': 'disables', 'artifact': 'OperatingSystemProcess'} in j['offensive']
check: {'d3fend_id': 'D3-PT', 'd3fend_class': 'ProcessTermination', 'd3fend_label': 'Process Termination', 'd3fend_tactic': 'Evict', 'relation': 'terminates', 'artifact': 'Process'} in j['defensive']
check: 'OperatingSystemProcess' in j['subclasses']
