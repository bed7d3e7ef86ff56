args: show D3-PT --width 100
stdout-contains: d3fend id       D3-PT
stdout-contains: tactic          Evict
stdout-contains: parent          D3-PE ProcessEviction (Process Eviction)
stdout-contains: artifacts       terminates Process
stdout-contains: counters        36 ATT&CK techniques
