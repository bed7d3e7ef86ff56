# "name" a number: the object is skipped and counted, the rest loads.
setup: python3 @DIR@/gen.py wrong-types > w.json
args: --no-cache -v --format json --attack @TMP@/w.json stats
stderr-contains: @TMP@/w.json: line 21, column 12: property "name" has the wrong JSON type; object skipped
check: j["techniques"] == 1
