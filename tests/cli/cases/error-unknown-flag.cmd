args: stats --frobnicate
exit: 2
stderr: mitre-query: unknown option --frobnicate; try 'mitre-query --help'
