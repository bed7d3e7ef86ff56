# A view replaced by one that answers something else.
setup: @MQ@ --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db k.sqlite > /dev/null && python3 -c "import sqlite3, sys; c = sqlite3.connect('k.sqlite'); c.executescript(sys.argv[1]); c.commit()" "DROP VIEW technique_tactics; CREATE VIEW technique_tactics AS SELECT 1 AS technique_id"
args: check-db @TMP@/k.sqlite
exit: 2
stderr-first: mitre-query: @TMP@/k.sqlite: snapshot is corrupted or truncated: view technique_tactics is not defined as built
