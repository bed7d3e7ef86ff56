# An option that needs a value, last on the line.
args: stats --format
exit: 2
stderr: mitre-query: --format needs a value (FMT)
