# build-db onto a symbolic link: refused even with --force; the link and its target stay as they were.
setup: printf 'target\n' > target.txt && ln -s target.txt out.sqlite
args: --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db --force @TMP@/out.sqlite
exit: 2
stderr-first: mitre-query: @TMP@/out.sqlite: is a symbolic link; a snapshot only ever replaces a regular file
after: test -L out.sqlite && test "$(cat target.txt)" = target
