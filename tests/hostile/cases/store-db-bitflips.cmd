# A snapshot with random bit flips (40 copies, 1-4 bits each, fixed seed): every
# answer is the sources' answer or a one-line error, never a wrong one.
setup: @MQ@ --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db s.sqlite > /dev/null
args: --db @TMP@/s.sqlite show T1562.001 --format json
check: j["id"] == "T1562.001"
after: python3 @DIR@/store-bitflips.py @MQ@ s.sqlite @DIR@/../cli/fixtures/tiny-attack-1.0.json 40 8
