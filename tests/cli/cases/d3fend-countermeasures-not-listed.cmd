# Email Bombing (ATT&CK 18.1, created January 2025) is newer than D3FEND 0.17.0.
args: countermeasures T1667 --format json
exit: 1
stderr: mitre-query: T1667 is not listed by D3FEND 0.17.0 (newer than that release); no countermeasures known
check: j == []
check: attack('attack/enterprise-attack-18.1.json')['T1667']['created'] > '2024-10' and 'T1667' not in d3fend_ids('d3fend/d3fend-0.17.0.json')
