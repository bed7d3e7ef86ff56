args: --attack @FIXTURES@/tiny-attack-1.0.json techniques --format json
