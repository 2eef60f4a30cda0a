/** The real kubectl 1.32 against `skiff server`: apply, server-side apply, explain, edits, scale, CRDs. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually, kubectlFor, startServer, type Kubectl, type TestServer } from './helpers/server.js';

const deployYaml = (image: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 80}]
`;

const crdYaml = `apiVersion: apiextensions.k8s.io/v1
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
              color: {type: string}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
`;

const widgetYaml = `apiVersion: example.com/v1
kind: Widget
metadata: {name: w1}
spec: {size: 3, color: blue}
`;

describe('real kubectl: workflows', () => {
  let server: TestServer;
  let k: Kubectl;
  const file = (name: string, text: string): string => {
    const p = join(k.home, name);
    writeFileSync(p, text);
    return p;
  };
  const ok = async (args: string[]): Promise<string> => {
    const r = await k.run(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  before(async () => {
    server = await startServer();
    k = kubectlFor(server.kubeconfigPath);
  });
  after(async () => {
    k?.cleanup();
    await server?.stop();
  });

  test('apply -f three times: created, unchanged, configured', async () => {
    const f = file('deploy.yaml', deployYaml('nginx:1.27'));
    assert.equal((await ok(['apply', '-f', f])).trim(), 'deployment.apps/web created');
    assert.equal((await ok(['apply', '-f', f])).trim(), 'deployment.apps/web unchanged');
    writeFileSync(f, deployYaml('nginx:1.28'));
    assert.equal((await ok(['apply', '-f', f])).trim(), 'deployment.apps/web configured');
    const out = await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.metadata.generation}']);
    assert.equal(out, 'nginx:1.28 2');
  });

  test('apply -f of a v1 List creates each item; a bad field in an item is refused by the server', async () => {
    const list = (items: object[]): string => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
    const cm = (name: string, extra: object = {}): object => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' }, ...extra });
    const f = file('list.json', list([cm('list-a'), cm('list-b')]));
    assert.equal((await ok(['apply', '-f', f])).trim(), 'configmap/list-a created\nconfigmap/list-b created');
    assert.equal((await ok(['apply', '-f', f])).trim(), 'configmap/list-a unchanged\nconfigmap/list-b unchanged');
    const bad = await k.run(['apply', '-f', file('bad-list.json', list([cm('list-c', { bogus: 1 })]))]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unknown field "bogus"/);
    assert.equal((await k.run(['get', 'configmap', 'list-c'])).code, 1, 'nothing of the refused item was written');
    await ok(['delete', 'configmap', 'list-a', 'list-b']);
  });

  test('get deploy prints the deployment table', async () => {
    const out = await ok(['get', 'deployments']);
    assert.match(out, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    assert.match(out, /^web\s+0\/2\s+/m);
  });

  test('scale changes replicas through the scale subresource', async () => {
    assert.equal((await ok(['scale', 'deployment', 'web', '--replicas=4'])).trim(), 'deployment.apps/web scaled');
    assert.equal(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas} {.metadata.generation}']), '4 3');
  });

  test('label and annotate', async () => {
    assert.equal((await ok(['label', 'deploy', 'web', 'tier=front'])).trim(), 'deployment.apps/web labeled');
    assert.equal((await ok(['annotate', 'deploy', 'web', 'note=hello'])).trim(), 'deployment.apps/web annotated');
    assert.equal(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.labels.tier} {.metadata.annotations.note}']), 'front hello');
    const sel = await ok(['get', 'deploy', '-l', 'tier=front', '-o', 'name']);
    assert.equal(sel.trim(), 'deployment.apps/web');
  });

  test('patch: strategic (default), merge and json', async () => {
    await ok(['patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox"}]}}}}']);
    assert.equal(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[*].name}']), 'side web');
    await ok(['patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"paused":true}}']);
    assert.equal(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.paused}']), 'true');
    await ok(['patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":1}]']);
    assert.equal(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '1');
  });

  test('apply --server-side creates, updates, and reports conflicts with other managers', async () => {
    const f = file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {k: one}\n');
    assert.equal((await ok(['apply', '--server-side', '-f', f])).trim(), 'configmap/ssa serverside-applied');
    writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {k: two}\n');
    assert.equal((await ok(['apply', '--server-side', '-f', f])).trim(), 'configmap/ssa serverside-applied');
    assert.equal(await ok(['get', 'cm', 'ssa', '-o', 'jsonpath={.data.k}']), 'two');
    const other = await k.run(['apply', '--server-side', '--field-manager=other', '-f', file('cm2.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {k: three}\n')]);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.data\.k/);
    await ok(['apply', '--server-side', '--force-conflicts', '--field-manager=other', '-f', join(k.home, 'cm2.yaml')]);
    assert.equal(await ok(['get', 'cm', 'ssa', '-o', 'jsonpath={.data.k}']), 'three');
  });

  test('explain pod and explain pod.spec.containers.ports', async () => {
    const pod = await ok(['explain', 'pod']);
    assert.match(pod, /^KIND:\s+Pod$/m);
    assert.match(pod, /^VERSION:\s+v1$/m);
    assert.match(pod, /spec\s+<PodSpec>/);
    const ports = await ok(['explain', 'pod.spec.containers.ports']);
    assert.match(ports, /^FIELD: ports <\[\]ContainerPort>$/m);
    assert.match(ports, /containerPort\s+<integer> -required-/);
  });

  test('create with --validate=strict rejects unknown fields', async () => {
    const f = file('bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\ndata: {a: b}\nbogus: 1\n');
    const r = await k.run(['create', '-f', f]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /strict decoding error: unknown field "bogus"/);
  });

  test('CRD: create, custom resource create/get, listed by api-resources, explained', async () => {
    assert.equal((await ok(['create', '-f', file('crd.yaml', crdYaml)])).trim(), 'customresourcedefinition.apiextensions.k8s.io/widgets.example.com created');
    const established = await ok(['get', 'crd', 'widgets.example.com', '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}']);
    assert.equal(established, 'True');
    await eventually(async () => (await k.run(['api-resources', '--api-group=example.com'])).stdout.includes('widgets'), 10000, 300);
    const res = await ok(['api-resources', '--api-group=example.com']);
    assert.match(res, /^widgets\s+wd\s+example\.com\/v1\s+true\s+Widget$/m);
    assert.equal((await ok(['create', '-f', file('w.yaml', widgetYaml)])).trim(), 'widget.example.com/w1 created');
    const table = await ok(['get', 'wd']);
    // additionalPrinterColumns replace the default Age column, as upstream.
    assert.match(table, /^NAME\s+SIZE$/m);
    assert.match(table, /^w1\s+3$/m);
    assert.equal(await ok(['get', 'widget', 'w1', '-o', 'jsonpath={.spec.color}']), 'blue');
    const explained = await ok(['explain', 'widget.spec']);
    assert.match(explained, /size\s+<integer>/);
  });

  test('kubectl create <generator> sends protobuf bodies, which the server decodes', async () => {
    assert.equal((await ok(['create', 'namespace', 'gen'])).trim(), 'namespace/gen created');
    assert.equal((await ok(['create', 'configmap', 'cfg', '-n', 'gen', '--from-literal=a=1'])).trim(), 'configmap/cfg created');
    assert.equal((await ok(['create', 'secret', 'generic', 'sec', '-n', 'gen', '--from-literal=p=s3cret'])).trim(), 'secret/sec created');
    assert.equal((await ok(['create', 'deployment', 'api', '-n', 'gen', '--image=nginx:1.27', '--replicas=2'])).trim(), 'deployment.apps/api created');
    assert.equal((await ok(['create', 'service', 'clusterip', 'api', '-n', 'gen', '--tcp=80:8080'])).trim(), 'service/api created');
    assert.equal((await ok(['create', 'job', 'once', '-n', 'gen', '--image=busybox'])).trim(), 'job.batch/once created');
    assert.equal(await ok(['get', 'cm', 'cfg', '-n', 'gen', '-o', 'jsonpath={.data.a}']), '1');
    assert.equal(await ok(['get', 'secret', 'sec', '-n', 'gen', '-o', 'jsonpath={.data.p}']), Buffer.from('s3cret').toString('base64'));
    assert.equal(await ok(['get', 'deploy', 'api', '-n', 'gen', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}']), '2 nginx:1.27');
    assert.match(await ok(['get', 'svc', 'api', '-n', 'gen', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].targetPort}']), /^10\.43\.\d+\.\d+ 8080$/);
  });

  test('delete -f removes what was applied', async () => {
    const out = await ok(['delete', '-f', join(k.home, 'deploy.yaml')]);
    assert.equal(out.trim(), 'deployment.apps "web" deleted');
    const r = await k.run(['get', 'deploy', 'web']);
    assert.equal(r.code, 1);
  });
});
