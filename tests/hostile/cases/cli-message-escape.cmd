# Issue 8 item 11: a message quoting input escapes control characters (was: raw ESC and BEL on stderr).
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json $'--\e]0;pwned\a' stats
exit: 2
stderr: mitre-query: unknown option --\x1b]0;pwned\x07; try 'mitre-query --help'
