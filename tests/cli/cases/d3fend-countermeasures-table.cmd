args: countermeasures T1562.001 --tactic Evict --width 80
stdout-contains: ATT&CK     D3FEND  COUNTERMEASURE       TACTIC
stdout-contains: T1562.001  D3-PT   Process Termination  Evict
