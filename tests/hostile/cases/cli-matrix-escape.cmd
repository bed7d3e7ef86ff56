# Issue 8 item 11: the matrix table escapes them too.
setup: python3 @DIR@/cli_inputs.py bundle b.json '\x1b]0;pwned\x07 \x9b31m \u202eevil'
args: --no-cache --attack @TMP@/b.json matrix --width 200
exit: 0
stderr-first: <none>
stdout-contains: \x1b]0;pwned\x07 \u009b31m \u202eevil
check: '\x1b' not in out and '\x07' not in out and '\x9b' not in out and '\u202e' not in out
