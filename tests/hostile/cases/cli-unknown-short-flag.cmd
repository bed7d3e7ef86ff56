# An unknown short option, and a bundle of short options (not supported).
args: -vx stats
exit: 2
stderr: mitre-query: unknown option -vx; try 'mitre-query --help'
