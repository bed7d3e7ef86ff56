# check-rules needs at least one file.
args: check-rules
exit: 2
stderr: mitre-query: check-rules needs FILE…; try 'mitre-query check-rules --help'
