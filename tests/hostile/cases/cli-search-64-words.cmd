# The limit itself is allowed: 64 words, each of them "defenses" in some case.
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json search --format csv $(for i in $(seq 32); do echo defenses DEFENSES; done)
exit: 0
stderr-first: <none>
check: [r['id'] for r in rows] == ['T1562']
