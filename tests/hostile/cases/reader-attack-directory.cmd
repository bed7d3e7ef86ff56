# A directory as --attack: one line, exit 2.
setup: mkdir dir.json
args: --no-cache --attack @TMP@/dir.json stats
exit: 2
stderr-first: mitre-query: @TMP@/dir.json: is a directory, expected a STIX bundle file
