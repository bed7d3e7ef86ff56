# An unknown option: one line, before any data is read.
args: --frobnicate stats
exit: 2
stderr: mitre-query: unknown option --frobnicate; try 'mitre-query --help'
