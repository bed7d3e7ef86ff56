# --attack FILE --data DIR: ATT&CK as given, D3FEND from DIR.
args: --attack @ATTACK@/enterprise-attack-18.1.json --data @DATA@ countermeasures T1562.001 --format json
check: len(j) == 10
