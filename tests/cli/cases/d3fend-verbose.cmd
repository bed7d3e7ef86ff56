args: -v d3fend-tactics --format csv
stderr-contains: mitre-query: loaded /
stderr-contains: d3fend-0.17.0.json (D3FEND 0.17.0, 780 ATT&CK techniques,
check: len(rows) == 7
