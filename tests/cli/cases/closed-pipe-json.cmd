args: --data @DATA@ techniques --format json
pipe: 1
check: lines == ['[']
