# Issue 8 item 11: JSON escapes C0 (RFC 8259) and also DEL, C1 and bidi controls; the value is unchanged.
setup: python3 @DIR@/cli_inputs.py bundle b.json '\x1b]0;pwned\x07 \x9b31m \u202eevil'
args: --no-cache --attack @TMP@/b.json techniques --format json
exit: 0
stderr-first: <none>
stdout-contains: "name": "\u001b]0;pwned\u0007 \u009b31m \u202eevil"
check: j[0]['name'] == '\x1b]0;pwned\x07 \x9b31m \u202eevil'
check: '\x1b' not in out and '\x07' not in out and '\x9b' not in out and '\u202e' not in out
