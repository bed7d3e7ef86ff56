args: skew --width 120
stdout-contains: STATUS
check: any(l.startswith('not-in-d3fend  T1667') for l in lines) and any(l.startswith('revoked        T1142') and 'T1555.001' in l for l in lines)
