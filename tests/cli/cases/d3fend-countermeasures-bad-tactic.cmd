args: countermeasures T1562.001 --tactic defense-evasion
exit: 2
stderr: mitre-query: --tactic: no D3FEND tactic "defense-evasion" (Model, Harden, Detect, Isolate, Deceive, Evict or Restore)
