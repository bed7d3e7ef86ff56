# tag in JSON: one row per technique and tag; default dialect falco.
args: tag T1204.003 --format json
check: j == [{'technique': 'T1204.003', 'tag': 'T1204.003'}, {'technique': 'T1204.003', 'tag': 'mitre_execution'}]
