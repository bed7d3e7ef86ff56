# Temporary files a killed build-db left beside OUT are removed by the next write there:
# those of dead PIDs unchanged for a minute; not a live PID's (1), not another file's.
setup: sleep 100 & pid=$!; kill -9 $pid; wait $pid; echo $pid > dead.pid
setup: d=$(cat dead.pid); touch -d '2 minutes ago' out.sqlite.tmp-$d-0123abcd out.sqlite.tmp-1-89abcdef other.sqlite.tmp-$d-01234567
args: --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db @TMP@/out.sqlite
after: d=$(cat dead.pid); test ! -e out.sqlite.tmp-$d-0123abcd && test -e out.sqlite.tmp-1-89abcdef && test -e other.sqlite.tmp-$d-01234567
