# A snapshot cut at several points: each refused with one line, never a wrong answer.
setup: @MQ@ --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db s.sqlite > /dev/null
after: size=$(stat -c %s s.sqlite); for cut in 0 100 4096 $((size / 3)) $((size / 2)) $((size - 1)); do head -c $cut s.sqlite > cut.sqlite; if @MQ@ --db cut.sqlite show T1082 > out 2> err; then echo "cut at $cut answered" >&2; exit 1; fi; test $(wc -l < err) -eq 1 || exit 1; grep -q '^mitre-query: cut.sqlite: ' err || exit 1; done
args: --db @TMP@/s.sqlite show T1082 --format json
check: j["name"] == "System Information Discovery"
