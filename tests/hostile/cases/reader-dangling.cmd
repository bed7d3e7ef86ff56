# A relationship naming a missing object: skipped and counted.
setup: python3 @DIR@/gen.py dangling > d.json
args: --no-cache -v --format json --attack @TMP@/d.json stats
stderr-contains: @TMP@/d.json: relationship relationship--00000001 (subtechnique-of) names missing object attack-pattern--00000077; skipped
check: j["relationships"] == 0 and j["techniques"] == 1
