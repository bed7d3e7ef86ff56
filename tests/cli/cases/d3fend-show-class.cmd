# A D3FEND class name; and a label ATT&CK does not use.
args: show ProcessTermination --format json
check: j['d3fend_id'] == 'D3-PT'
