# A tagged rule over a real audit event: Falco's alert fields, and the rule's tags resolved through ATT&CK and D3FEND (revoked T1086 followed to T1059.001, T9999 unknown).
setup: printf -- '- rule: Create Privileged Pod\n  desc: d\n  condition: ka.verb = create and ka.target.resource = pods and ka.req.pod.containers.privileged intersects (true)\n  output: Pod started with privileged container (user=%%ka.user.name pod=%%ka.resp.name images=%%ka.req.pod.containers.image)\n  priority: WARNING\n  source: k8s_audit\n  tags: [k8s, mitre_privilege_escalation, T1611, T1086, T9999]\n' > r.yaml
args: --data @DATA@ detect --rules @TMP@/r.yaml --events @DATA@/falco/traces/k8s_audit/create_nginx_pod_privileged.json --format json
stderr-contains: detect: 1 events read, 0 malformed skipped, 0 failed, 1 alerts
check: len(lines) == 1 and j['rule'] == 'Create Privileged Pod' and j['priority'] == 'Warning' and j['time'] == '2018-10-25T14:09:12.581541000Z'
check: j['output'] == 'Pod started with privileged container (user=system:serviceaccount:kube-system:replicaset-controller pod=nginx-deployment-5cdcc99dbf-rgw6z images=nginx)'
check: j['output_fields'] == {'ka.user.name': 'system:serviceaccount:kube-system:replicaset-controller', 'ka.resp.name': 'nginx-deployment-5cdcc99dbf-rgw6z', 'ka.req.pod.containers.image': 'nginx'}
check: [t['id'] for t in j['mitre']['techniques']] == ['T1611', 'T1059.001'] and [t['id'] for t in j['mitre']['tactics']] == ['TA0004', 'TA0002']
check: j['mitre']['revoked'] == [{'tag': 'T1086', 'replaced_by': 'T1059.001'}] and j['mitre']['unknown_tags'] == ['T9999']
check: len(j['mitre']['d3fend']) > 0 and all(c['id'].startswith('D3-') for cs in j['mitre']['d3fend'].values() for c in cs)
