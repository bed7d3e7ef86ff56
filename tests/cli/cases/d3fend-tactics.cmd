args: d3fend-tactics --format json
check: [r['tactic'] for r in j] == ['Model', 'Harden', 'Detect', 'Isolate', 'Deceive', 'Evict', 'Restore']
check: list(j[0]) == ['tactic', 'label', 'techniques', 'definition']
check: [r['techniques'] for r in j] == [27, 33, 78, 22, 11, 19, 12]
check: j[5]['definition'] == 'The eviction tactic is used to remove an adversary from a computer network.'
