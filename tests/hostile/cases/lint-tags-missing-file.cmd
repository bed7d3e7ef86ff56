# A rule file that does not exist: one line naming it, exit 2.
args: lint-tags @TMP@/nope.yaml
exit: 2
stderr: mitre-query: @TMP@/nope.yaml: no such file or directory
