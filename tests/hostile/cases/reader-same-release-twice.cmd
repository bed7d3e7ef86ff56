# The same release twice is one release: merged, not refused.
setup: python3 @DIR@/gen.py release 18.1 > a.json
args: --no-cache --format json --attack @TMP@/a.json --attack @TMP@/a.json stats
check: j["techniques"] == 1
