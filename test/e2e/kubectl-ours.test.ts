/**
 * skiff kubectl against the real kubectl 1.32: same arguments, same server, same output.
 * Read-only verbs (and custom resources).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployYaml, kubectlWorkspace, same, sameAll, sameSequence } from './kubectl-ours-helpers.js';

test('skiff kubectl reads as kubectl 1.32 does: discovery, explain, get, custom resources', { timeout: 240_000 }, async (t) => {
  const { k, dir, freshPod } = await kubectlWorkspace(t);

  await t.test('api-resources and api-versions', async () => {
    await sameAll(k, [['api-resources'], ['api-resources', '-o', 'wide'], ['api-resources', '-o', 'name'],
      ['api-resources', '--namespaced=false'], ['api-resources', '--api-group=apps'], ['api-versions']]);
  });

  await t.test('explain: kinds, field paths, --recursive, unknown fields', async () => {
    await sameAll(k, [['explain', 'pod'], ['explain', 'pods.spec.containers.ports'], ['explain', 'deploy.spec.strategy'],
      ['explain', 'svc', '--recursive'], ['explain', 'pod.spec.nope']]);
  });

  await t.test('get: po/pod/pods/Pod, names, output formats, selectors', async () => {
    await freshPod();
    await sameAll(k, [['get', 'po'], ['get', 'pod'], ['get', 'pods'], ['get', 'Pod'], ['get', 'pod', 'nginx'], ['get', 'pod/nginx'],
      ['get', 'pods', '-o', 'wide'], ['get', 'pod', 'nginx', '-o', 'yaml'], ['get', 'pods', '-o', 'yaml'], ['get', 'po', '-o', 'json'],
      ['get', 'pod', 'nginx', '-o', 'json'], ['get', 'pods', '-o', 'name'], ['get', 'pods', '-A'], ['get', 'pods', '--show-labels'],
      ['get', 'pods', '-l', 'app=nginx'], ['get', 'pods', '-l', 'app=none'], ['get', 'pods', '--no-headers'], ['get', 'pod', 'missing'],
      ['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}'],
      ['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image'],
      ['get', 'ns'], ['get', 'pods,ns'], ['get', 'pods', '-n', 'kube-system']]);
  });

  await t.test('describe: pod, deployment, service, configmap, namespace, prefixes, missing', async () => {
    await freshPod();
    const extra = join(dir, 'extra.yaml');
    writeFileSync(extra, `${deployYaml}---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
# One key only: kubectl prints data in Go's random map order.
metadata: {name: cm1, labels: {a: b}}
data: {k1: "multi\\nline"}
`);
    const applied = await k.ours(['apply', '-f', extra]);
    assert.equal(applied.code, 0, applied.stderr);
    await sameAll(k, [['describe', 'pod', 'nginx'], ['describe', 'pods'], ['describe', 'deploy', 'web'], ['describe', 'svc/web'],
      ['describe', 'cm', 'cm1'], ['describe', 'ns', 'default'], ['describe', 'pod', 'ngi'], ['describe', 'pod', 'nope'],
      ['describe', '-f', extra], ['describe', 'nodes']]);
    // A node with status and a pod bound to it: lease, conditions, capacity, pod totals.
    const node = join(dir, 'node.yaml');
    writeFileSync(node, `apiVersion: v1
kind: Node
metadata:
  name: n1
  labels: {kubernetes.io/hostname: n1, node-role.kubernetes.io/control-plane: ""}
spec:
  podCIDR: 10.42.0.0/24
  taints: [{key: k1, value: v1, effect: NoSchedule}]
---
apiVersion: v1
kind: Pod
metadata: {name: p2, labels: {app: p2}}
spec:
  nodeName: n1
  containers:
  - name: c
    image: busybox
    command: [sh, -c, "sleep 1"]
    env: [{name: A, value: "1"}, {name: B, valueFrom: {configMapKeyRef: {name: cm1, key: k1}}}]
    resources: {requests: {cpu: 250m, memory: 64Mi}, limits: {cpu: "1", memory: 128Mi}}
    volumeMounts: [{name: data, mountPath: /data}]
    readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 5}
  volumes: [{name: data, emptyDir: {}}]
  tolerations: [{key: k1, operator: Exists, effect: NoSchedule}]
`);
    assert.equal((await k.ours(['create', '-f', node])).code, 0);
    const status = { status: { capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
      addresses: [{ type: 'InternalIP', address: '10.0.0.5' }], nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian', architecture: 'amd64', operatingSystem: 'linux' },
      conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] } };
    const patched = await k.ours(['patch', 'node', 'n1', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
    assert.equal(patched.code, 0, patched.stderr);
    await same(k, ['describe', 'node', 'n1']);
    const secrets = join(dir, 'secrets.yaml');
    writeFileSync(secrets, 'apiVersion: v1\nkind: Secret\nmetadata: {name: s1}\ntype: Opaque\nstringData: {password: hunter2}\n---\n'
      + 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa1}\nsecrets: [{name: s1}, {name: gone}]\nimagePullSecrets: [{name: s1}]\n');
    assert.equal((await k.ours(['apply', '-f', secrets])).code, 0);
    const workloads = join(dir, 'workloads.yaml');
    writeFileSync(workloads, `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs1, labels: {tier: x}}
spec:
  replicas: 2
  selector: {matchLabels: {app: rs1}}
  template:
    metadata: {labels: {app: rs1}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 1
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, image: busybox}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`);
    assert.equal((await k.ours(['apply', '-f', workloads])).code, 0);
    await sameAll(k, [['describe', 'secret', 's1'], ['describe', 'sa', 'sa1'], ['describe', 'rs', 'rs1'], ['describe', 'sts', 'db']]);
    await same(k, ['describe', 'pod', 'p2']);
  });

  await t.test('CRD: custom resources are listed, created and read', async () => {
    const crd = join(dir, 'crd.yaml');
    writeFileSync(crd, `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
`);
    const widget = join(dir, 'widget.yaml');
    writeFileSync(widget, 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n');
    const created = await k.ours(['create', '-f', crd]);
    assert.equal(created.stdout, 'customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n', created.stderr);
    // Discovery takes a moment to show a new CRD.
    for (let i = 0; i < 50; i++) {
      if ((await k.ours(['api-resources', '--api-group=example.com', '-o', 'name'])).stdout.includes('widgets')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await same(k, ['api-resources', '--api-group=example.com']);
    await same(k, ['api-resources']);
    const resetWidget = async (): Promise<void> => { await k.ours(['delete', 'widget', 'w1', '--ignore-not-found']); };
    await sameSequence(k, resetWidget, [
      { args: ['apply', '-f', widget] },
      { args: ['get', 'widgets'] },
      { args: ['get', 'widget.example.com', '-o', 'name'] },
    ]);
    await same(k, ['get', 'wd', 'w1', '-o', 'yaml']);
    await same(k, ['describe', 'widget', 'w1']);
    await same(k, ['get', 'Widget', '-o', 'json']);
  });
});
