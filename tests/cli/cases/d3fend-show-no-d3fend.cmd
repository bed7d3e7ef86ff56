# Without D3FEND, show still answers; the record says no-d3fend.
args: --attack @ATTACK@/enterprise-attack-18.1.json show T1562.001 --format json
check: j['d3fend_coverage'] == 'no-d3fend' and j['countermeasures'] == {}
