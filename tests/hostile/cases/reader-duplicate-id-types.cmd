# Issue #8 item 10: an intrusion-set with an attack-pattern's STIX id replaced it silently.
# Now the first object stays, the other is skipped and counted.
setup: python3 @DIR@/gen.py dup-types > dup.json
args: --no-cache -v --format json --attack @TMP@/dup.json stats
stderr-contains: @TMP@/dup.json: intrusion-set G9999 has the STIX id of an earlier attack-pattern T0001; the first is kept, this one skipped
check: j["techniques"] == 1 and j["groups"] == 0
