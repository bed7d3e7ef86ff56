args: --attack @ATTACK@/enterprise-attack-17.1.json detections T1562.001 --width 100
