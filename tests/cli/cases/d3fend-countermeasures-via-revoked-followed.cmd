# The revoked id itself: followed to T1999, then mapped back through T1142.
args: --attack @FIXTURES@/skew-attack-2.0.json --d3fend @DATA@/d3fend/d3fend-0.17.0.json countermeasures T1142 --explain --format csv
stderr-contains: mitre-query: T1142 was revoked; showing T1999 (Keychain Successor)
stderr-contains: mitre-query: D3FEND 0.17.0 does not list T1999; mapped through T1142 which ATT&CK 2.0 revoked in favour of it
check: len(rows) == 7 and {(r['off_artifact'], r['off_relation'], r['def_artifact']) for r in rows} == {('EncryptedCredential', 'accesses', 'Credential')}
