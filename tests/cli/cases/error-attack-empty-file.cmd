args: --attack @FIXTURES@/empty.json stats
exit: 2
stderr-contains: empty.json: empty file
