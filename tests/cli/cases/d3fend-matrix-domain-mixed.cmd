args: matrix --domain d3fend,enterprise
exit: 2
stderr: mitre-query: matrix shows one domain: pass --domain d3fend alone
