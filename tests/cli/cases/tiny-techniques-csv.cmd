# RFC 4180: a name with a comma and quotes is quoted, quotes doubled; arrays joined with ';'.
args: --attack @FIXTURES@/tiny-attack-1.0.json techniques --format csv
