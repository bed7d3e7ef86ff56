# Temporary files of dead PIDs in the cache folder are removed when the cache is next written.
setup: sleep 100 & pid=$!; kill -9 $pid; wait $pid; echo $pid > dead.pid
setup: d=$(cat dead.pid); mkdir -p cache/mitrekg && cd cache/mitrekg && touch -d '2 minutes ago' 0123.sqlite.tmp-$d-0123abcd 0123.image.tmp-$d-89abcdef
args: --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json show T1082 --format json
check: j["name"] == "System Information Discovery"
after: ls cache/mitrekg/*.sqlite && test -z "$(ls cache/mitrekg | grep tmp-)"
