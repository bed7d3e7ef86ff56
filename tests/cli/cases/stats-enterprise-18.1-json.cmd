# Live object counts of enterprise 18.1 (checked against python's json module reading the bundle).
args: --attack @ATTACK@/enterprise-attack-18.1.json --domain enterprise stats --format json
