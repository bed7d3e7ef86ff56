args: artifacts --format csv
check: lines[0] == 'class,label,parent'
check: {'class': 'Process', 'label': 'Process', 'parent': 'DigitalInformationBearer'} in rows
check: {'class': 'OperatingSystemProcess', 'label': 'Operating System Process', 'parent': 'Process'} in rows
# 687: d3f:DigitalArtifact and its named descendants (rdfs:subClassOf, checked with Python).
check: len(rows) == 687 and [r['class'] for r in rows] == sorted(r['class'] for r in rows)
