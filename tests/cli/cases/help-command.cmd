args: techniques --help
stdout-contains: Usage: mitre-query [OPTIONS] techniques [--tactic ID|NAME] [--platform P] [--no-subtechniques]
