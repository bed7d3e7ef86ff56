args: --attack @FIXTURES@/tiny-attack-1.0.json show T1089 --include-revoked --format csv
