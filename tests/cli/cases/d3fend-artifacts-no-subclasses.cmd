# --no-subclasses: only statements naming Process itself (T1562.001 names OperatingSystemProcess).
args: artifacts Process --no-subclasses --format csv
check: lines[0] == 'side,id,name,tactic,relation,artifact'
check: {r['artifact'] for r in rows} == {'Process'}
check: 'T1562.001' not in [r['id'] for r in rows] and 'D3-PT' in [r['id'] for r in rows]
