# --force replaces a regular file that is not a snapshot; the result is a sound snapshot.
setup: printf 'my notes\n' > notes.txt
args: --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db --force @TMP@/notes.txt --format json
check: j["file"].endswith("/notes.txt") and j["objects"] == 9
after: @MQ@ check-db notes.txt --format json | grep -q '"status": "ok"'
