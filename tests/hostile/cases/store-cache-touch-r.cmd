# A source rewritten in place with the same size and modification time (touch -r):
# the cache must not answer with the old content.
setup: cp @DIR@/../cli/fixtures/tiny-attack-1.0.json t.json && sleep 0.1 && @MQ@ --attack @TMP@/t.json show T1082 > /dev/null && ls cache/mitrekg/*.sqlite
setup: touch -r t.json ref && python3 -c "f = open('t.json', 'r+b'); b = f.read().replace(b'System Information Discovery', b'System Informatiox Discovery'); f.seek(0); f.write(b)" && touch -r ref t.json
args: --attack @TMP@/t.json show T1082 --format json
check: j["name"] == "System Informatiox Discovery"
