args: stats --domain mars
exit: 2
stderr: mitre-query: --domain must be enterprise, mobile or ics, not "mars"
