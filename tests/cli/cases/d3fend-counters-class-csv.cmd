args: counters ProcessTermination --format csv
check: lines[0] == 'attack_id,name,status' and len(rows) == 36
