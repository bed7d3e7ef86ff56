args: --attack @FIXTURES@/truncated.json stats
exit: 2
stderr-contains: truncated.json:
