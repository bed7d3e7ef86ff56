# --dry-run without --fix is a usage error.
args: lint-tags --dry-run @DATA@/seed/blog-example-rules.yaml
exit: 2
stderr: mitre-query: --dry-run goes with --fix
