# CSV carries the text unchanged (docs/cli.md: not for a terminal); quoting as RFC 4180.
setup: python3 @DIR@/cli_inputs.py bundle b.json '\x1b]0;pwned\x07 \x9b31m \u202eevil'
args: --no-cache --attack @TMP@/b.json techniques --format csv
exit: 0
stderr-first: <none>
check: rows[0]['name'] == '\x1b]0;pwned\x07 \x9b31m \u202eevil'
