args: --attack @ATTACK@/enterprise-attack-18.1.json uses G0016 --format json
check: len(j) == 66 and all(t['id'].startswith('T') for t in j)
