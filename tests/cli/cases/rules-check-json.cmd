# JSON: every diagnostic with Falco's code and item kind, and the summary.
args: check-rules @DATA@/falco/test_rules/exceptions/item_unknown_comp.yaml --format json
exit: 1
check: j['summary'] == {'files': 1, 'lists': 0, 'macros': 0, 'rules': 1, 'enabled': 0, 'errors': 1, 'warnings': 0}
check: [(d['code'], d['falco_code'], d['item_kind'], d['item'], d['message']) for d in j['diagnostics']] == [('bad-exception', 'LOAD_ERR_VALIDATE', 'exception', 'ex1', "'no-comp' is not a supported comparison operator")]
check: j['diagnostics'][0]['line'] > 0 and j['diagnostics'][0]['column'] > 0
