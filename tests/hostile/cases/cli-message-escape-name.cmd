# Issue 8 item 11: an object's name quoted on stderr escapes C0, C1 and bidi controls (C1 and bidi were raw).
setup: python3 @DIR@/cli_inputs.py bundle b.json '\x1b]0;pwned\x07 \x9b31m \u202eevil'
args: --no-cache --attack @TMP@/b.json uses T0001
exit: 2
stderr: mitre-query: T0001 is a technique ("\u001b]0;pwned\u0007 \u009b31m \u202eevil"), not a group or software or campaign or mitigation
