# --attack without --d3fend loads no D3FEND: D3FEND commands say what to pass.
args: --attack @ATTACK@/enterprise-attack-18.1.json countermeasures T1562.001
exit: 2
stderr: mitre-query: no D3FEND data loaded (--attack loads none by itself): pass --d3fend FILE or --data DIR
