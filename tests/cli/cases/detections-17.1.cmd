# ≤17.x: data components detect the technique (relationship text as channel).
args: --attack @ATTACK@/enterprise-attack-17.1.json detections T1562.001 --format csv
