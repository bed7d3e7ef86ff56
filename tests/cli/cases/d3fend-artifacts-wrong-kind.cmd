args: artifacts D3-PT
exit: 2
stderr: mitre-query: D3-PT is a D3FEND defensive technique ("Process Termination"), not a digital artifact
