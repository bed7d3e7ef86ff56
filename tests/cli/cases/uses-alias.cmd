args: --attack @ATTACK@/enterprise-attack-18.1.json techniques-of APT29 --format csv
check: len(rows) == 66
