# --width at the limit works, and --width 1 still answers (cells cut to 8).
args: --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json techniques --width 65535
exit: 0
stderr-first: <none>
stdout-contains: T1562.001  Disable or Modify Tools, "quoted"  defense-evasion  Linux
