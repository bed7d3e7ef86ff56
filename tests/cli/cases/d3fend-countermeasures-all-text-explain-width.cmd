# --all written row by row (issue 13): texts with controls, non-ASCII, CSV quoting;
# the expected output is what the writer of built rows printed (mitre-query before the streaming).
args: --attack @FIXTURES@/tiny-attack-1.0.json --d3fend @FIXTURES@/tiny-d3fend-text.json countermeasures --all --explain --width 50
