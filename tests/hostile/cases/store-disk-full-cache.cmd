# The cache on a full file system: the answer comes from the sources, no temporary file is left.
skip-unless: mkdir small && mount -t tmpfs -o size=1m tmpfs small
env: XDG_CACHE_HOME=@TMP@/small
args: -v --attack @ATTACK@/ics-attack-18.1.json show T0800 --format json
check: j["id"] == "T0800"
stderr-contains: cache not written
after: test -z "$(find small -name '*tmp-*')"
after: umount small
