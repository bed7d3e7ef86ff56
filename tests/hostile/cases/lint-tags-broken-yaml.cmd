# Broken YAML is a finding with its position (exit 1), not a crash; the file is not touched by --fix.
setup: printf -- '- rule: x\n  tags: [T1059\n' > broken.yaml
args: lint-tags --fix @TMP@/broken.yaml
exit: 1
check: out.split('/broken.yaml:', 1)[1].startswith('3:1: error: invalid-yaml: ')
after: test "$(cat broken.yaml)" = "$(printf -- '- rule: x\n  tags: [T1059')"
