args: --attack @ATTACK@/enterprise-attack-18.1.json show T1562.001 --format json
check: j['id'] == 'T1562.001' and j['type'] == 'technique' and j['name'] == 'Disable or Modify Tools'
check: j['parent'] == {'id': 'T1562', 'name': 'Impair Defenses'}
check: [t['id'] for t in j['tactics']] == ['TA0005'] and j['tactics'][0]['shortname'] == 'defense-evasion'
check: j['subtechniques'] == [] and j['revoked'] is False and j['deprecated'] is False and j['revoked_by'] is None
check: j['stix_id'] == 'attack-pattern--ac08589e-ee59-4935-8667-d845e38fe579'
check: j['url'] == 'https://attack.mitre.org/techniques/T1562/001'
check: j['platforms'] == ['Containers', 'IaaS', 'Linux', 'macOS', 'Network Devices', 'Windows']
check: j['description'].startswith('Adversaries may modify and/or disable security tools')
