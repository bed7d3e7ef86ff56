args: --attack @ATTACK@/enterprise-attack-18.1.json matrix --width 100
check: max(len(l) for l in lines) <= 100
check: lines[0].split() == ['Resource']
check: 'Reconnaissance' in lines[1] and '11 techniques' in lines[2]
