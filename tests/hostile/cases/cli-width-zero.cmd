# --width 0 is refused.
args: techniques --width 0
exit: 2
stderr: mitre-query: --width must be a number from 1 to 65535, not "0"
