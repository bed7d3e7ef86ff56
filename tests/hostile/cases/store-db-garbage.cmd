# A file of random bytes as --db.
setup: head -c 65536 /dev/urandom > junk.sqlite
args: --db @TMP@/junk.sqlite stats
exit: 2
stderr-contains: mitre-query: @TMP@/junk.sqlite: 
