args: --attack @ATTACK@/enterprise-attack-18.1.json software T1562.001 --format json
check: len(j) == 71 and all(s['type'] in ('malware', 'tool') for s in j)
