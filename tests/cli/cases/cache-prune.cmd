# cache prune --max-size: least recently used entries go first, never the current sources'.
env: XDG_CACHE_HOME=@TMP@/xdg
setup: for n in a b c d; do cp @FIXTURES@/tiny-attack-1.0.json $n.json; done && sleep 0.05
setup: for n in a b c d; do @MQ@ --attack @TMP@/$n.json stats >/dev/null && sleep 0.02 || exit 1; done
# a is the current set (used again now, so newest); room for two entries: a and d stay, b and c (oldest) go.
setup: @MQ@ --attack @TMP@/a.json stats >/dev/null && @MQ@ cache --format json | python3 -c 'import json,sys; j=json.load(sys.stdin); assert len(j) == 4; print(2 * max(e["bytes"] for e in j) + 1000)' > cap
run: exec @MQ@ --attack @TMP@/a.json cache prune --max-size "$(cat cap)" --format csv
check: {r['key']: r['value'] for r in rows}['removed'] == '2' and {r['key']: r['value'] for r in rows}['entries_left'] == '2'
after: test "$(@MQ@ cache --format json | python3 -c 'import json,sys; print(sorted(e["sources"][0]["path"].rsplit("/",1)[1] for e in json.load(sys.stdin)))')" = "['a.json', 'd.json']"
# Under the cap already: nothing removed, exit 1. 0 bytes with suffix: all but the current one.
after: @MQ@ --attack @TMP@/a.json cache prune --max-size 1G >/dev/null; test $? = 1
after: @MQ@ --attack @TMP@/a.json cache prune --max-size 0K --format json | grep -q '"removed": 1' && @MQ@ --attack @TMP@/a.json cache --format csv | tail -n +2 | cut -d, -f1 | grep -qx true
