args: --attack @ATTACK@/enterprise-attack-18.1.json mitigations G0016
exit: 2
stderr: mitre-query: G0016 is a group ("APT29"), not a technique
