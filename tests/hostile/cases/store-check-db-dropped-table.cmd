setup: @MQ@ --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db k.sqlite > /dev/null && python3 -c "import sqlite3, sys; c = sqlite3.connect('k.sqlite'); c.executescript(sys.argv[1]); c.commit()" "DROP TABLE d3fend_mappings"
args: check-db @TMP@/k.sqlite
exit: 2
stderr-first: mitre-query: @TMP@/k.sqlite: snapshot is corrupted or truncated: table d3fend_mappings is missing
