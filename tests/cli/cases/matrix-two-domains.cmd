args: --data @DATA@ matrix --domain ics,mobile
exit: 2
stderr: mitre-query: matrix shows one domain: pass --domain enterprise, mobile or ics
