# A sound snapshot: status ok with its metadata.
setup: @MQ@ --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db k.sqlite > /dev/null
args: check-db @TMP@/k.sqlite --format json
check: j["status"] == "ok" and j["schema_version"] == 4 and j["attack_releases"] == "enterprise 1.0"
