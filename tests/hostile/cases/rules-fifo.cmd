# A FIFO with no writer as a rules file: a file-read diagnostic, never a blocked open.
setup: mkfifo fifo.yaml
args: check-rules @TMP@/fifo.yaml
timeout: 20
exit: 1
check: lines == ['@TMP@/fifo.yaml: error: file-read: Could not read rules file: not a regular file', '1 files, 0 lists, 0 macros, 0 rules (0 enabled), 1 errors, 0 warnings']
