# D3FEND maps Enterprise ATT&CK only: a mobile technique is said so plainly.
args: countermeasures T1660
exit: 1
stderr: mitre-query: T1660 is not listed by D3FEND 0.17.0 (D3FEND maps Enterprise ATT&CK only); no countermeasures known
check: out == ''
