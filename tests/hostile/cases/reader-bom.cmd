# Issue #8 item 15: a UTF-8 byte order mark was "improper structure"; now skipped.
setup: printf '\xef\xbb\xbf' > bom.json && python3 @DIR@/gen.py release 18.1 >> bom.json
args: --no-cache --format json --attack @TMP@/bom.json stats
check: j["techniques"] == 1
