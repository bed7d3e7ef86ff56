# A directory as a rules file: a file-read diagnostic.
setup: mkdir rules.d
args: check-rules @TMP@/rules.d
exit: 1
check: lines[0] == '@TMP@/rules.d: error: file-read: Could not read rules file: is a directory'
