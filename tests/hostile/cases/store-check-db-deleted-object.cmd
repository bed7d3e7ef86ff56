# check-db after a row was deleted from objects: the row count recorded at build time differs.
setup: @MQ@ --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db k.sqlite > /dev/null && python3 -c "import sqlite3, sys; c = sqlite3.connect('k.sqlite'); c.executescript(sys.argv[1]); c.commit()" "DELETE FROM objects WHERE node = 3"
args: check-db @TMP@/k.sqlite
exit: 2
stderr-first: mitre-query: @TMP@/k.sqlite: snapshot is corrupted or truncated: table objects has 8 rows, 9 when built
