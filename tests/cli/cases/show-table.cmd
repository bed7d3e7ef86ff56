args: --attack @ATTACK@/enterprise-attack-18.1.json show T1562.001 --width 80
check: lines[:3] == ['id              T1562.001', 'name            Disable or Modify Tools', 'type            sub-technique']
stdout-contains: tactics         TA0005 Defense Evasion (defense-evasion)
stdout-contains: parent          T1562 Impair Defenses
stdout-contains: mitigations     5
stdout-contains: groups          30
stdout-contains: url             https://attack.mitre.org/techniques/T1562/001
check: max(len(l) for l in lines) <= 80
