args: --attack @FIXTURES@/not-a-bundle.json stats
exit: 2
stderr-contains: not-a-bundle.json: line 1, column
