args: --attack @FIXTURES@ stats
exit: 2
stderr-contains: fixtures: is a directory
