args: frobnicate
exit: 2
stderr: mitre-query: unknown command "frobnicate"; try 'mitre-query --help'
