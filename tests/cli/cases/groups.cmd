args: --attack @ATTACK@/enterprise-attack-18.1.json groups T1562.001 --format csv
check: len(rows) == 30 and rows[0]['id'] == 'G0010' and rows[0]['name'] == 'Turla'
check: 'Snake' in rows[0]['aliases'].split(';')
