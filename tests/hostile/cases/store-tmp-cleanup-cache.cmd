# Temporary files of dead PIDs in the cache folder are removed when the cache is next written:
# only temporaries of names the cache gives (KEY of 32 hex digits); another name is not the cache's and stays.
setup: sleep 100 & pid=$!; kill -9 $pid; wait $pid; echo $pid > dead.pid
setup: d=$(cat dead.pid); k=0123456789abcdef0123456789abcdef; mkdir -p cache/mitrekg && cd cache/mitrekg && touch -d '2 minutes ago' $k.sqlite.tmp-$d-0123abcd $k.image.tmp-$d-89abcdef 0123.sqlite.tmp-$d-0123abcd
args: --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json show T1082 --format json
check: j["name"] == "System Information Discovery"
after: ls cache/mitrekg/*.sqlite && test "$(ls cache/mitrekg | grep tmp-)" = "0123.sqlite.tmp-$(cat dead.pid)-0123abcd"
