# Newline, tab and quotes in the description are escaped.
args: --attack @FIXTURES@/tiny-attack-1.0.json show T1562 --format json
