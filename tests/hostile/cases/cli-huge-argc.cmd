# 100,000 arguments: refused before anything is stored or loaded.
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json countermeasures $(seq 100000)
timeout: 60
exit: 2
stderr-first: mitre-query: more than 10000 arguments
