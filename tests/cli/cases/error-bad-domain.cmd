args: stats --domain mars
exit: 2
stderr: mitre-query: --domain must be enterprise, mobile, ics (or d3fend for matrix), not "mars"
