args: --attack @ATTACK@/enterprise-attack-18.1.json --domain enterprise stats --format csv
check: rows[2] == {'kind': 'subtechniques', 'count': '475'}
