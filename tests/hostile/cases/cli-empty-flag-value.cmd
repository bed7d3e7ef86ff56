# An empty option value is an error (--data "" silently meant the built-in folder).
args: --data "" stats
exit: 2
stderr: mitre-query: --data needs a value (DIR), not an empty string
