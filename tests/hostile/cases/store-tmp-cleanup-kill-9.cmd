# A build-db killed with SIGKILL while it writes leaves OUT.tmp-PID-XXXXXXXX; the next
# build-db of OUT removes it (its PID is gone; a minute is made to pass with touch -d).
setup: @MQ@ --no-cache --attack @ATTACK@/enterprise-attack-18.1.json build-db out.sqlite > /dev/null 2>&1 & pid=$!; for i in $(seq 6000); do ls out.sqlite.tmp-* > /dev/null 2>&1 && break; sleep 0.01; done; kill -9 $pid; wait $pid; ls out.sqlite.tmp-$pid-* && touch -d '2 minutes ago' out.sqlite.tmp-*
args: --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db @TMP@/out.sqlite --format json
check: j["objects"] == 9
after: test "$(ls)" = out.sqlite
