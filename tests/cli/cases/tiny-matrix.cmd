args: --attack @FIXTURES@/tiny-attack-1.0.json matrix --width 60
