# The orphan sub-technique is named under -v.
setup: python3 @DIR@/gen.py orphan > orphan.json
args: --no-cache -v --attack @TMP@/orphan.json stats
stderr-contains: sub-technique T0002 (Technique T0002) has no parent technique; listed as a technique
