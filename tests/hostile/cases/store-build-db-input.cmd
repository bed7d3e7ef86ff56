# build-db OUT where OUT is the bundle just loaded: refused, the bundle left as it was.
setup: cp @DIR@/../cli/fixtures/tiny-attack-1.0.json s.json && sha256sum s.json > s.sum
args: --attack @TMP@/s.json build-db @TMP@/s.json
exit: 2
stderr-first: mitre-query: @TMP@/s.json: is an input of this run; refusing to replace it without --force
after: sha256sum -c --quiet s.sum
