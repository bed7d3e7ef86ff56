# The SHA-256 a snapshot records for its source equals one computed independently
# (Python's hashlib): whichever libcrypto link the binary has (the static CLI
# links libcrypto.a's SHA-256, other builds load libcrypto.so with dlopen).
env: XDG_CACHE_HOME=@TMP@/xdg
setup: cp @FIXTURES@/tiny-attack-1.0.json a.json && sleep 0.05 && @MQ@ --attack @TMP@/a.json stats >/dev/null && @MQ@ --attack @ATTACK@/enterprise-attack-18.1.json stats >/dev/null
args: --attack @ATTACK@/enterprise-attack-18.1.json cache --format json
check: len(j) == 2 and sorted(len(e['sources']) for e in j) == [1, 1]
check: {e['sources'][0]['path'].rsplit('/', 1)[-1]: e['sources'][0]['sha256'] for e in j} == {'a.json': __import__('hashlib').sha256(open('@TMP@/a.json', 'rb').read()).hexdigest(), 'enterprise-attack-18.1.json': __import__('hashlib').sha256(open('@ATTACK@/enterprise-attack-18.1.json', 'rb').read()).hexdigest()}
