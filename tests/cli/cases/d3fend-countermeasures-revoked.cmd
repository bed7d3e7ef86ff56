# A revoked id is followed to its replacement, as show does.
args: countermeasures T1089 --format json
stderr: mitre-query: T1089 was revoked; showing T1562.001 (Disable or Modify Tools)
check: {r['attack_id'] for r in j} == {'T1562.001'} and len(j) == 10
