# 18.x: strategy -> analytic -> data component with log source and channel.
args: --attack @ATTACK@/enterprise-attack-18.1.json detections T1562.001 --format json
check: len(j) == 10 and {d['strategy_id'] for d in j} == {'DET0497'}
check: j[0]['id'] == 'DET0497' and j[0]['analytic_id'] == 'AN1369' and j[0]['data_component'] == 'Process Termination'
check: j[0]['log_source'] == 'WinEventLog:Sysmon' and j[0]['channel'] == 'EventCode=5'
