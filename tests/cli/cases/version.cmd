args: --version
check: lines[0].startswith('mitre-query ') and len(lines) == 1
