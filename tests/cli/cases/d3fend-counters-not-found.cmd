args: counters D3-NOPE
exit: 1
stderr: mitre-query: nothing in D3FEND 0.17.0 matches "D3-NOPE"
