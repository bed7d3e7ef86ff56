args: stats --domain d3fend
exit: 2
stderr: mitre-query: --domain d3fend applies to matrix only, not stats
