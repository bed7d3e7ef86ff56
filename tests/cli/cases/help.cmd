args: --help
stdout-contains: Usage: mitre-query [OPTIONS] COMMAND [ARGS]
stdout-contains: --include-deprecated
stdout-contains: matrix
