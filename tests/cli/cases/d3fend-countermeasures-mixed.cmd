# Some rows: exit 0, with the skew of the other technique on stderr.
args: countermeasures T1667 T1562.001 T1562.001 --format csv
stderr: mitre-query: T1667 is not listed by D3FEND 0.17.0 (newer than that release); no countermeasures known
check: {r['attack_id'] for r in rows} == {'T1562.001'} and len(rows) == 10
