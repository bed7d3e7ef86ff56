# Bad lines among good syscall events (not JSON, wrong type, invalid UTF-8, 2,000-deep nesting, an 11 MB line): each counted with its line, every good event still evaluated.
setup: printf -- '- rule: cat\n  desc: d\n  condition: evt.type = open and proc.name = cat\n  output: "%%proc.name %%fd.name"\n  priority: WARNING\n' > r.yaml
setup: python3 -c "import sys; g=b'{\"evt.type\":\"open\",\"proc.name\":\"cat\",\"fd.name\":\"/f\"}\n'; sys.stdout.buffer.write(g+b'nope\n'+b'{\"evt.type\":[1]}\n'+b'{\"proc.name\":\"c\xff\"}\n'+b'['*2000+b'\n'+b' '*(11<<20)+b'{}\n'+g)" > ev.jsonl
args: --data @DATA@ detect --rules @TMP@/r.yaml --events @TMP@/ev.jsonl --format json
stderr-first: mitre-query: detect: 2 events read, 5 malformed skipped (first at lines 2,3,4,5,6: Problem while parsing an atom starting with the letter 'n'), 0 failed, 2 alerts
check: len(lines) == 2 and all('"rule":"cat"' in l for l in lines)
