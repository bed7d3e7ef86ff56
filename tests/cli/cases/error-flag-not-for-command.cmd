args: stats --no-subtechniques
exit: 2
stderr: mitre-query: --no-subtechniques does not apply to stats
