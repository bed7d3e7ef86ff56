# What a rule author pastes: technique tags, then their tactics (a sub-technique's included), each once.
args: tag T1562.001 T1610 --dialect sysdig
check: lines == ['MITRE_T1562.001_impair_defenses_disable_or_modify_tools', 'MITRE_TA0005_defense_evasion', 'MITRE_T1610_deploy_container', 'MITRE_TA0002_execution']
