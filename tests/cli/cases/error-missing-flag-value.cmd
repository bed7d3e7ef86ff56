args: techniques --tactic
exit: 2
stderr: mitre-query: --tactic needs a value (ID|NAME)
