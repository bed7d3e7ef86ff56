# Issue 8 item 11: control characters in names reach the terminal as visible escapes (table list).
setup: python3 @DIR@/cli_inputs.py bundle b.json '\x1b]0;pwned\x07 \x9b31m \u202eevil'
args: --no-cache --attack @TMP@/b.json techniques
exit: 0
stderr-first: <none>
stdout-contains: T0001  \x1b]0;pwned\x07 \u009b31m \u202eevil  initial-access  Linux
check: '\x1b' not in out and '\x07' not in out and '\x9b' not in out and '\u202e' not in out
