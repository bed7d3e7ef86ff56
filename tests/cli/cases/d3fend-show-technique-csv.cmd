args: show T1562.001 --format csv
check: list(rows[0])[-2:] == ['d3fend_coverage', 'countermeasures'] and rows[0]['d3fend_coverage'] == 'listed'
check: 'D3-PT' in rows[0]['countermeasures'].split(';') and len(rows[0]['countermeasures'].split(';')) == 10
