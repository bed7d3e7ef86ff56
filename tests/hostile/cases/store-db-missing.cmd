args: --db @TMP@/nope.sqlite stats
exit: 2
stderr-first: mitre-query: @TMP@/nope.sqlite: no such snapshot file
