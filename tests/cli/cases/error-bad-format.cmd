args: stats --format xml
exit: 2
stderr: mitre-query: --format must be table, json or csv, not "xml"
