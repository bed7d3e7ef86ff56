# Techniques the loaded bundles lack take D3FEND's label and status absent.
args: --attack @FIXTURES@/skew-attack-2.0.json --d3fend @DATA@/d3fend/d3fend-0.17.0.json counters D3-CR --format json
check: {'attack_id': 'T1142', 'name': 'Keychain', 'status': 'revoked'} in j
check: {'attack_id': 'T1003.008', 'name': '/etc/passwd and /etc/shadow', 'status': 'absent'} in j
