# build-db onto a FIFO: refused (not a regular file), neither opened nor replaced.
setup: mkfifo out.sqlite
args: --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db --force @TMP@/out.sqlite
timeout: 20
exit: 2
stderr-first: mitre-query: @TMP@/out.sqlite: is a FIFO; a snapshot only ever replaces a regular file
after: test -p out.sqlite
