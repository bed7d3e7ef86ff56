# Issue 8 item 2: a usage error with stderr closed: exit 2, no abort (was: exit 134).
run: exec @MQ@ --frobnicate stats 2>&-
exit: 2
stderr-first: <none>
