# A switch given a value.
args: stats --no-cache=yes
exit: 2
stderr: mitre-query: --no-cache takes no value
