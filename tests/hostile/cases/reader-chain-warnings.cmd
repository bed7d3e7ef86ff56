# The links dropped to keep chains within 16 levels are named under -v.
setup: python3 @DIR@/gen.py chain 40 > chain.json
args: --no-cache -v --attack @TMP@/chain.json stats
stderr-contains: subtechnique-of TX17 -> TX16 (relationship--00000017) would make a chain deeper than 16 levels; dropped
stderr-contains: subtechnique-of TX34 -> TX33 (relationship--00000034) would make a chain deeper than 16 levels; dropped
