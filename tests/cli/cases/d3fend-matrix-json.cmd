# The D3FEND matrix: tactics as columns, techniques depth-first with their depth.
args: matrix --domain d3fend --format json
check: [c['tactic'] for c in j] == ['Model', 'Harden', 'Detect', 'Isolate', 'Deceive', 'Evict', 'Restore']
check: [len(c['techniques']) for c in j] == [27, 33, 78, 22, 11, 19, 12]
check: j[0]['techniques'][0] == {'d3fend_id': 'D3-AI', 'd3fend_class': 'AssetInventory', 'd3fend_label': 'Asset Inventory', 'depth': 0}
check: {'d3fend_id': 'D3-PT', 'd3fend_class': 'ProcessTermination', 'd3fend_label': 'Process Termination', 'depth': 1} in j[5]['techniques']
check: all(c['techniques'][0]['depth'] == 0 and all(b['depth'] <= a['depth'] + 1 for a, b in zip(c['techniques'], c['techniques'][1:])) for c in j)
