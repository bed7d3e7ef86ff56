# A capture when sysdig is not on PATH: one line naming the install command, exit 2.
setup: printf -- '- rule: cat\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n' > r.yaml
setup: : > x.scap
run: PATH=/nonexistent exec @MQ@ --data @DATA@ detect --rules @TMP@/r.yaml --events @TMP@/x.scap
exit: 2
stderr: mitre-query: @TMP@/x.scap: reading a capture needs sysdig: apt-get install --no-install-recommends sysdig
