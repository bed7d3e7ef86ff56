# T1113 is also the id of a deprecated mitigation; by default only the live technique answers.
args: --attack @ATTACK@/enterprise-attack-18.1.json show T1113 --format json
check: j['type'] == 'technique' and j['name'] == 'Screen Capture'
