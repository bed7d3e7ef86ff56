# Four build-db processes writing one OUT at once: all succeed, OUT is one whole snapshot, no temporary file is left.
setup: for i in 1 2 3 4; do @MQ@ --attack @ATTACK@/ics-attack-18.1.json build-db out.sqlite > /dev/null & pids="$pids $!"; done; for p in $pids; do wait $p || exit 1; done
args: check-db @TMP@/out.sqlite --format json
check: j["status"] == "ok" and j["attack_releases"] == "ics 18.1"
after: test "$(ls)" = out.sqlite
