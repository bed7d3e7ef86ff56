# Macros that reach themselves, directly and through others: one macro-loop error each, no hang.
setup: printf -- '- macro: a\n  condition: a\n- macro: b\n  condition: c and evt.type = open\n- macro: c\n  condition: not b\n- rule: r\n  desc: d\n  condition: b\n  output: o\n  priority: INFO\n' > loop.yaml
args: check-rules @TMP@/loop.yaml
exit: 1
timeout: 30
stdout-contains: @TMP@/loop.yaml:1:3: error: macro-loop: macro 'a' refers to itself: a -> a
stdout-contains: @TMP@/loop.yaml:3:3: error: macro-loop: macro 'b' refers to itself: b -> c -> b
stdout-contains: 1 files, 0 lists, 3 macros, 1 rules (0 enabled), 2 errors, 1 warnings
