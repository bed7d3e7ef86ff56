# show falls back to D3FEND: a D3FEND id.
args: show D3-PT --format json
check: list(j) == ['type', 'd3fend_id', 'class', 'label', 'tactic', 'parent', 'children', 'definition', 'artifacts', 'kb_article', 'references', 'counters', 'deprecated']
check: (j['type'], j['d3fend_id'], j['class'], j['label'], j['tactic']) == ('d3fend_technique', 'D3-PT', 'ProcessTermination', 'Process Termination', 'Evict')
check: j['parent'] == {'d3fend_id': 'D3-PE', 'd3fend_class': 'ProcessEviction', 'd3fend_label': 'Process Eviction'}
check: j['artifacts'] == [{'relation': 'terminates', 'artifact': 'Process', 'artifact_label': 'Process'}]
check: j['definition'] == 'Terminating a running application process on a computer system.'
check: j['kb_article'].startswith('## How it works') and len(j['references']) >= 1 and all(r['url'].startswith('http') for r in j['references'])
# The techniques countermeasures --all pairs with ProcessTermination (36; the sample's five among them).
check: j['counters'] == 36
