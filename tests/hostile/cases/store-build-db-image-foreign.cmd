# build-db OUT --image NOTES where NOTES is not an image file: refused, NOTES kept, no snapshot written.
setup: cp @DIR@/../cli/fixtures/tiny-attack-1.0.json s.json && echo 'my notes' > notes.txt && sha256sum notes.txt > n.sum
args: --attack @TMP@/s.json build-db @TMP@/out.sqlite --image @TMP@/notes.txt
exit: 2
stderr-first: mitre-query: @TMP@/notes.txt: is not a mitrekg image file; refusing to replace it without --force
after: sha256sum -c --quiet n.sum && test ! -e out.sqlite
