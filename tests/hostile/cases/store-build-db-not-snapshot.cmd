# build-db OUT where OUT is some other file: refused without --force, the file unchanged.
setup: printf 'my notes\n' > notes.txt && sha256sum notes.txt > notes.sum
args: --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db @TMP@/notes.txt
exit: 2
stderr-first: mitre-query: @TMP@/notes.txt: is not a mitrekg snapshot; refusing to replace it without --force
after: sha256sum -c --quiet notes.sum
