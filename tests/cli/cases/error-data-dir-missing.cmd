args: --data /nonexistent/data stats
exit: 2
stderr: mitre-query: /nonexistent/data: data folder not found: pass --attack FILE, --data DIR or set MITREKG_DATA
