# A FIFO with no writer as --attack must not block forever.
setup: mkfifo fifo.json
args: --no-cache --attack @TMP@/fifo.json stats
timeout: 20
exit: 2
