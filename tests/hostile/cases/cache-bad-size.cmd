# cache prune --max-size takes bytes or a size with a unit; anything else is a usage error, nothing removed.
env: XDG_CACHE_HOME=@TMP@/xdg
setup: cp @DIR@/../cli/fixtures/tiny-attack-1.0.json a.json && sleep 0.05 && @MQ@ --attack @TMP@/a.json stats >/dev/null
args: cache prune --max-size 1.5G
exit: 2
stderr: mitre-query: --max-size must be a size such as 50M, 1G, 512MiB or 200000 (bytes), not "1.5G"
after: for s in -5 10X ' 5M' 5M' ' 99999999999999999999999 18446744073709551615G 1e6 M; do @MQ@ cache prune --max-size="$s" 2>err; test $? = 2 && grep -q '^mitre-query: --max-size must be' err || exit 1; done
after: @MQ@ cache prune 2>err; test $? = 2 && test "$(cat err)" = "mitre-query: cache prune needs --max-size SIZE (50M, 1G, 200000)"
after: @MQ@ cache prune --max-size 2>err; test $? = 2
after: @MQ@ cache frobnicate 2>err; test $? = 2 && test "$(cat err)" = "mitre-query: unknown command \"cache frobnicate\"; try 'mitre-query help cache'"
after: @MQ@ cache clean --max-size 5M 2>err; test $? = 2 && grep -q 'does not apply to cache clean' err
after: printf 'cache\n' | @MQ@ --attack @TMP@/a.json batch 2>err; test $? = 2 && grep -q 'not in a batch' err
after: test "$(ls xdg/mitrekg/*.sqlite | wc -l)" = 1
