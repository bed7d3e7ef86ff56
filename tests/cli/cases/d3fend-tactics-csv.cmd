args: d3fend-tactics --format csv
check: lines[0] == 'tactic,label,techniques,definition' and len(rows) == 7
