# --db naming a FIFO with no writer: one line at once, no blocking open.
setup: mkfifo db.sqlite
args: --db @TMP@/db.sqlite stats
timeout: 20
exit: 2
stderr-first: mitre-query: @TMP@/db.sqlite: is a FIFO, expected a snapshot file
