# Issue #8 item 7: a subtechnique-of chain of 20,000 links, each extending the bottom,
# took 40 s (every cycle check walked up the chain). Now linear; the chain is cut every
# 17th link (max_subtechnique_depth 16): 20000 // 17 = 1176 links dropped, counted.
setup: python3 @DIR@/gen.py chain 20000 > chain.json
args: --no-cache --format json --attack @TMP@/chain.json stats
timeout: 15
check: j["relationships"] == 20000 - 1176 and j["techniques"] == 1 + 1176 and j["subtechniques"] == 20000 - 1176
