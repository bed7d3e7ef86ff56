# A revoked id answers with what replaced it.
args: --attack @ATTACK@/enterprise-attack-18.1.json show T1089 --format json
stderr: mitre-query: T1089 was revoked; showing T1562.001 (Disable or Modify Tools)
check: j['id'] == 'T1562.001' and j['revoked'] is False
