# The same runaway input for lint-tags: a finding or an error with a position, no hang.
setup: printf '      comps: d    - [cat, [a b,        coes-c\r-\n,   evt.type: q reri\xfced_eDgdesc---\n,\n' > runaway.yaml
args: lint-tags @TMP@/runaway.yaml
timeout: 60
exit: 1
stdout-contains: @TMP@/runaway.yaml:2:1: error: invalid-yaml: the parser does not advance (yaml-cpp loops on this input)
