# D3FEND lists T1046 but its inference yields no countermeasure (as the reference sample: no rows).
args: countermeasures T1046
exit: 1
stderr: mitre-query: D3FEND 0.17.0 lists T1046 but infers no countermeasures for it
check: 'T1046' in words('d3fend/d3fend-0.17.0-reference-techniques-sample.txt') and not any(t['attack_id'] == 'T1046' for t in tsv('d3fend/d3fend-0.17.0-reference-mappings-sample.tsv'))
