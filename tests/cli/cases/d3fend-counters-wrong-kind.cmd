args: counters Process
exit: 2
stderr: mitre-query: Process is a D3FEND artifact ("Process"), not a defensive technique
