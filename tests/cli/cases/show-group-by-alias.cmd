args: --attack @ATTACK@/enterprise-attack-18.1.json show "Cozy Bear" --format json
check: j['id'] == 'G0016' and j['type'] == 'group' and 'Cozy Bear' in j['aliases']
