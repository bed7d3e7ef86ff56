args: --db @TMP@ stats
exit: 2
stderr-first: mitre-query: @TMP@: is a directory, expected a snapshot file
