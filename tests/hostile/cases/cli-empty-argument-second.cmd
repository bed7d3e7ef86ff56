# Issue 8 item 12: any empty argument, not only the first.
args: --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json countermeasures T1082 ""
exit: 2
stderr: mitre-query: countermeasures: argument 2 is empty (expected T…)
