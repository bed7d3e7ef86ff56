# A load counter changed in metadata: every open (not only check-db) refuses it.
setup: @MQ@ --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db k.sqlite > /dev/null && python3 -c "import sqlite3, sys; c = sqlite3.connect('k.sqlite'); c.executescript(sys.argv[1]); c.commit()" "UPDATE metadata SET value = '7' WHERE key = 'warnings.merged_objects'"
args: --db @TMP@/k.sqlite stats
exit: 2
stderr-first: mitre-query: @TMP@/k.sqlite: snapshot is corrupted or truncated: metadata does not match its checksum
