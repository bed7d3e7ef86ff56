args: --attack @ATTACK@/enterprise-attack-18.1.json d3fend-tactics
exit: 2
stderr: mitre-query: no D3FEND data loaded (--attack loads none by itself): pass --d3fend FILE or --data DIR
