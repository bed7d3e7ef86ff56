args: --data @DATA@ search a
pipe: 2
