# T1 sub-technique of T2 and T2 of T1: the second link is dropped, counted; loading ends.
setup: python3 @DIR@/gen.py cycle > c.json
args: --no-cache -v --format json --attack @TMP@/c.json stats
timeout: 20
stderr-contains: @TMP@/c.json: relationship relationship--00000002 would make a subtechnique-of cycle (T0002 -> T0001); dropped
check: j["relationships"] == 1 and j["techniques"] == 1 and j["subtechniques"] == 1
