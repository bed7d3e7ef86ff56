# The same chain listed from the bottom up: the same graph.
setup: python3 @DIR@/gen.py chain-up 20000 > chain.json
args: --no-cache --format json --attack @TMP@/chain.json stats
timeout: 15
check: j["relationships"] == 20000 - 1176 and j["techniques"] == 1 + 1176 and j["subtechniques"] == 20000 - 1176
