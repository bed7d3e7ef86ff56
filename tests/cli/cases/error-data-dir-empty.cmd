# A folder without attack/ bundles.
args: --data @FIXTURES@ stats
exit: 2
stderr-contains: no ATT&CK bundle
