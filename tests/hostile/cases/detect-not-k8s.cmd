# Valid JSON that is not a Kubernetes audit event: counted as malformed with Falco's words, no alert, exit 0.
setup: printf -- '- rule: any\n  desc: d\n  condition: ka.verb exists\n  output: o\n  priority: WARNING\n  source: k8s_audit\n' > r.yaml
setup: printf '{"kind": 0}\n[1, {"kind":"Event","verb":"get"}]\n' > ev.json
args: --data @DATA@ detect --rules @TMP@/r.yaml --events @TMP@/ev.json
stderr-first: mitre-query: detect: 1 events read, 2 malformed skipped (first at lines 1,2: data not recognized as a k8s audit event), 0 failed, 1 alerts
check: len(lines) == 1 and ': Warning o' in lines[0]
