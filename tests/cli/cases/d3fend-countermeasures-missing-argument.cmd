args: countermeasures
exit: 2
stderr: mitre-query: countermeasures needs T… or --all; try 'mitre-query countermeasures --help'
