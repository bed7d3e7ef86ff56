# An existing mitrekg snapshot, even of an older schema version, is replaced without --force.
setup: python3 -c "import sqlite3; c = sqlite3.connect('old.sqlite'); c.execute('CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL)'); c.execute(\"INSERT INTO metadata VALUES ('schema_version', '1')\"); c.commit()"
args: --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db @TMP@/old.sqlite --format json
check: j["schema_version"] == 4
after: @MQ@ --db old.sqlite show T1082 --format json | grep -q '"System Information Discovery"'
