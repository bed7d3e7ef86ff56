# A source replaced by another file (new inode) with the same size and mtime.
setup: cp @DIR@/../cli/fixtures/tiny-attack-1.0.json t.json && sleep 0.1 && @MQ@ --attack @TMP@/t.json show T1082 > /dev/null && ls cache/mitrekg/*.sqlite
setup: touch -r t.json ref && sed 's/System Information Discovery/System Informatiox Discovery/' t.json > new.json && mv new.json t.json && touch -r ref t.json
args: --attack @TMP@/t.json show T1082 --format json
check: j["name"] == "System Informatiox Discovery"
