# rules --source with no rule of that source: nothing found, exit 1.
args: rules @DATA@/falco/rules/plugins/github/github.yaml --source okta
exit: 1
