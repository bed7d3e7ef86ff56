# With deprecated objects included, T1113 names a technique and an old mitigation: the candidates, exit 0.
args: --attack @ATTACK@/enterprise-attack-18.1.json show T1113 --include-deprecated --format csv
stderr: mitre-query: 2 objects match "T1113"; showing the candidates
check: rows == [{'id': 'T1113', 'type': 'technique', 'name': 'Screen Capture', 'domains': 'enterprise', 'revoked': 'false', 'deprecated': 'false'}, {'id': 'T1113', 'type': 'mitigation', 'name': 'Screen Capture Mitigation', 'domains': 'enterprise', 'revoked': 'false', 'deprecated': 'true'}]
