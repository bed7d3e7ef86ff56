args: show
exit: 2
stderr: mitre-query: show needs ID|NAME; try 'mitre-query show --help'
