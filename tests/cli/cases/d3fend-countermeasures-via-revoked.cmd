# Fixture: ATT&CK "2.0" revoked T1142 (which D3FEND lists) in favour of T1999 (which it does not).
args: --attack @FIXTURES@/skew-attack-2.0.json --d3fend @DATA@/d3fend/d3fend-0.17.0.json countermeasures T1999 --format json
stderr: mitre-query: D3FEND 0.17.0 does not list T1999; mapped through T1142 which ATT&CK 2.0 revoked in favour of it
check: {r['attack_id'] for r in j} == {'T1999'}
check: [r['d3fend_id'] for r in j] == ['D3-ANCI', 'D3-CCSA', 'D3-CR', 'D3-CRO', 'D3-CTS', 'D3-DUC', 'D3-RIC']
