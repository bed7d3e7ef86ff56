# Issue 8 item 12: show "" is a usage error (was: the D3FEND artifact with an empty label, exit 0).
args: --no-cache --data @DATA@ show ""
exit: 2
stderr: mitre-query: show: argument 1 is empty (expected ID|NAME)
