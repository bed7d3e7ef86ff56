args: --attack @ATTACK@/enterprise-attack-18.1.json --attack @ATTACK@/mobile-attack-18.1.json mitigations Phishing
exit: 2
stderr-contains: "Phishing" is ambiguous: T1566 (technique "Phishing"), T1660 (technique "Phishing")
