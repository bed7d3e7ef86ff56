args: --attack /nonexistent/enterprise-attack.json stats
exit: 2
stderr-contains: /nonexistent/enterprise-attack.json
