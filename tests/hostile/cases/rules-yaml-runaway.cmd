# An unclosed flow sequence continued by a ',' line (rules_fuzz's find): yaml-cpp 0.7 creates nodes without end on it; the loader stops it as not-yaml with a position, no hang, no exhausted memory.
setup: printf '      comps: d    - [cat, [a b,        coes-c\r-\n,   evt.type: q reri\xfced_eDgdesc---\n,\n' > runaway.yaml
args: check-rules @TMP@/runaway.yaml
exit: 1
timeout: 60
stdout-contains: @TMP@/runaway.yaml:2:1: error: not-yaml: Rules content is not yaml: the parser does not advance (yaml-cpp loops on this input)
