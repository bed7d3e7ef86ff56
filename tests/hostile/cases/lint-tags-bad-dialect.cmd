# An unknown dialect: one line, exit 2.
args: lint-tags --dialect splunk @DATA@/seed/blog-example-rules.yaml
exit: 2
stderr: mitre-query: --dialect must be falco, sysdig or sigma, not "splunk"
