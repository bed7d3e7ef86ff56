# --width 1 on the matrix: one narrow column per page, no crash.
args: --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json matrix --width 1
exit: 0
stderr-first: <none>
stdout-contains: Defense Evasion
