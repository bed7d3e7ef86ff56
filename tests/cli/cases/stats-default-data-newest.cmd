# No --attack/--data: the build-time data folder; the newest enterprise release (18.1, not 17.1) wins.
args: --domain enterprise stats --format json --verbose
check: j['tactics'] == 14 and j['techniques'] == 216 and j['subtechniques'] == 475
stderr-contains: enterprise-attack-18.1.json (enterprise 18.1,
check: '17.1' not in err
