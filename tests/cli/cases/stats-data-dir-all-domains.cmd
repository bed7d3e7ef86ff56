# --data DIR loads the newest bundle of each domain.
args: --data @DATA@ stats --format json -v
stderr-contains: mobile-attack-18.1.json
stderr-contains: ics-attack-18.1.json
check: j['tactics'] == 14 + 12 + 12
