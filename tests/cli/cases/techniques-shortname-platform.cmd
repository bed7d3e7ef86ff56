args: --attack @ATTACK@/enterprise-attack-18.1.json techniques --tactic defense-evasion --platform linux --format json
check: len(j) > 0 and all('Linux' in t['platforms'] and 'defense-evasion' in t['tactics'] for t in j)
check: any(t['id'] == 'T1562.001' and t['is_subtechnique'] for t in j)
check: all(set(t) >= {'id', 'name', 'tactics', 'platforms', 'is_subtechnique'} for t in j)
