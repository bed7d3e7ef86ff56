args: matrix --domain d3fend --format csv
check: lines[0] == 'd3fend_tactic,d3fend_id,d3fend_class,d3fend_label,depth' and len(rows) == 202
