# cache: one entry per source set (the small fixture under two names, ATT&CK 17.1 from the data folder),
# most recently used first, the current sources' entry marked; nothing is loaded to list them.
env: XDG_CACHE_HOME=@TMP@/xdg
setup: cp @FIXTURES@/tiny-attack-1.0.json a.json && cp @FIXTURES@/tiny-attack-1.0.json b.json && sleep 0.05
setup: @MQ@ --attack @TMP@/a.json stats >/dev/null && sleep 0.02 && @MQ@ --attack @ATTACK@/enterprise-attack-17.1.json stats >/dev/null && sleep 0.02 && @MQ@ --attack @TMP@/b.json stats >/dev/null
args: --attack @ATTACK@/enterprise-attack-17.1.json cache --format json
check: len(j) == 3 and [e['kind'] for e in j] == ['snapshot'] * 3
check: [[s['path'].rsplit('/', 1)[-1] for s in e['sources']] for e in j] == [['b.json'], ['enterprise-attack-17.1.json'], ['a.json']]
check: [e['current'] for e in j] == [False, True, False]
check: all(len(e['key']) == 32 and e['bytes'] > 100000 and len(e['last_used']) == 20 and e['last_used'].endswith('Z') for e in j)
check: j[1]['bytes'] > 10 * j[0]['bytes'] and j[0]['sources'][0]['sha256'] == j[2]['sources'][0]['sha256']
check: j[0]['last_used'] >= j[1]['last_used'] >= j[2]['last_used']
# The table marks the current row with "*".
after: @MQ@ --attack @TMP@/a.json cache | grep -c '^\*' | grep -qx 1 && @MQ@ --attack @TMP@/a.json cache | grep '^\*' | grep -q '/a.json'
# No data given: the embedded data's entry is current (the prebuilt snapshot answers it, so the cache holds none).
after: test "$(@MQ@ cache --format csv | tail -n +2 | cut -d, -f1 | sort | uniq -c | tr -s ' ')" = " 3 false"
