# ATT&CK answers first: "Process Termination" is also an ATT&CK data component.
args: show "Process Termination" --format json
check: j['type'] == 'data-component' and j['id'] == 'DC0033'
