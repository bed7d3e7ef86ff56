# cache clean removes every entry but the current sources'; a file the cache did not name stays.
env: XDG_CACHE_HOME=@TMP@/xdg
setup: for n in a b c; do cp @FIXTURES@/tiny-attack-1.0.json $n.json; done && sleep 0.05
setup: for n in a b c; do @MQ@ --attack @TMP@/$n.json stats >/dev/null || exit 1; done
setup: echo mine > xdg/mitrekg/notes.sqlite && echo mine > xdg/mitrekg/0123.image && ln -s ../../a.json xdg/mitrekg/ffffffffffffffffffffffffffffffff.sqlite
args: --attack @TMP@/b.json cache clean --format json
check: j['removed'] == 2 and j['entries_left'] == 1 and j['freed_bytes'] > 200000 and j['kept_current'] is not None
check: j['bytes_left'] > 0 and j['bytes_left'] * 3 > j['freed_bytes']
after: @MQ@ --attack @TMP@/b.json cache --format csv | tail -n +2 | cut -d, -f1 | tr '\n' ' ' | grep -qx 'true '
after: test "$(cat xdg/mitrekg/notes.sqlite xdg/mitrekg/0123.image)" = "$(printf 'mine\nmine')" && test -L xdg/mitrekg/ffffffffffffffffffffffffffffffff.sqlite && test -s a.json
after: ls xdg/mitrekg | grep -c '^[0-9a-f]\{32\}\.' | grep -qx 3
# Again: nothing left to remove, exit 1.
after: @MQ@ --attack @TMP@/b.json cache clean >/dev/null; test $? = 1
# --all removes the current entry too, and still nothing else.
after: @MQ@ --attack @TMP@/b.json cache clean --all --format json | grep -q '"removed": 1' && test -z "$(@MQ@ cache --format csv | tail -n +2)" && test -e xdg/mitrekg/notes.sqlite -a -L xdg/mitrekg/ffffffffffffffffffffffffffffffff.sqlite
