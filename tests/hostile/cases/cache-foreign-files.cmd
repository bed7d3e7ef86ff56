# Files in the cache folder that the cache did not name are never listed or removed: other names, a
# directory and a symbolic link under a cache-like name (its target too), a damaged entry of its own is.
env: XDG_CACHE_HOME=@TMP@/xdg
setup: cp @DIR@/../cli/fixtures/tiny-attack-1.0.json a.json && sleep 0.05 && @MQ@ --attack @TMP@/a.json stats >/dev/null
setup: cd xdg/mitrekg && echo keep > README.sqlite && echo keep > ABCDEF0123456789ABCDEF0123456789.sqlite && echo keep > 0123456789abcdef0123456789abcdef.sqlite.bak && mkdir 11111111111111111111111111111111.image && echo keep > ../target && ln -s ../target 22222222222222222222222222222222.sqlite && echo keep > x.sqlite.tmp-999999-0123abcd && touch -d '2 hours ago' x.sqlite.tmp-999999-0123abcd
setup: echo damaged > xdg/mitrekg/33333333333333333333333333333333.sqlite
run: exec @MQ@ cache clean --all --format json
check: j['removed'] == 2 and j['entries_left'] == 0
after: cd xdg/mitrekg && test "$(cat README.sqlite ABCDEF0123456789ABCDEF0123456789.sqlite 0123456789abcdef0123456789abcdef.sqlite.bak ../target 22222222222222222222222222222222.sqlite x.sqlite.tmp-999999-0123abcd | sort -u)" = keep && test -d 11111111111111111111111111111111.image && test -L 22222222222222222222222222222222.sqlite
after: test ! -e xdg/mitrekg/33333333333333333333333333333333.sqlite && test -z "$(ls xdg/mitrekg | grep '^[0-9a-f]\{32\}\.\(sqlite\|image\|prebuilt\)$' | grep -v '^[12]\{32\}')"
