# Issue #8 item 9: enterprise 17.1 and 18.1 together silently mixed them; now refused.
args: --no-cache --attack @ATTACK@/enterprise-attack-17.1.json --attack @ATTACK@/enterprise-attack-18.1.json stats
exit: 2
stderr-first: mitre-query: @ATTACK@/enterprise-attack-18.1.json: ATT&CK enterprise release 18.1, but @ATTACK@/enterprise-attack-17.1.json is release 17.1: load one release per domain
