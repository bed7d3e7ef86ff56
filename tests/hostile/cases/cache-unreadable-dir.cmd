# A cache folder that cannot be read (here: a file where the folder should be) is one error line, exit 2, for every cache command.
env: XDG_CACHE_HOME=@TMP@/xdg
setup: mkdir xdg && echo 'not a folder' > xdg/mitrekg
args: cache
exit: 2
stderr: mitre-query: cache folder @TMP@/xdg/mitrekg: cannot be read (Not a directory)
after: for c in 'cache clean' 'cache clean --all' 'cache prune --max-size 1M'; do @MQ@ $c 2>err; test $? = 2 && grep -q '^mitre-query: cache folder .*: cannot be read (Not a directory)$' err || exit 1; done
after: test "$(cat xdg/mitrekg)" = 'not a folder'
