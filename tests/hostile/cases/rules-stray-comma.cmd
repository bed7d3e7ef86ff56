# A ',' starting a line at the root (found by rules_fuzz): yaml-cpp 0.7 loops forever on it; refused first as not-yaml.
setup: printf -- '---\n, required_engine_version: 1\n- list: l\n  items: [a]\n' > comma.yaml
args: check-rules @TMP@/comma.yaml
timeout: 20
exit: 1
check: lines == ["@TMP@/comma.yaml:2:1: error: not-yaml: Rules content is not yaml: ',' outside a flow collection", '1 files, 0 lists, 0 macros, 0 rules (0 enabled), 1 errors, 0 warnings']
