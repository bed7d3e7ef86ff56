args: show T1562.001 --width 100
stdout-contains: d3fend          10 countermeasures (D3FEND 0.17.0)
stdout-contains:   Evict         D3-HR Host Reboot
stdout-contains:                 D3-PT Process Termination
