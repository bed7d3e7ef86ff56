args: show "process lineage analysis" --format json
check: (j['d3fend_id'], j['class'], j['tactic']) == ('D3-PLA', 'ProcessLineageAnalysis', 'Detect')
check: 'T1562.001' in [r['attack_id'] for r in tsv('d3fend/d3fend-0.17.0-reference-mappings-sample.tsv') if r['d3fend_technique'] == 'ProcessLineageAnalysis']
