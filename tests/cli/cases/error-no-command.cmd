args:
exit: 2
stderr: mitre-query: no command given; try 'mitre-query --help'
