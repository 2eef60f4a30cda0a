/**
 * The real kubectl 1.32 against a throwaway HTTP server that answers only from this
 * folder's builders: aggregated (and legacy) discovery from the Registry, and Tables from
 * each resource's columns and row(). Checks name resolution, `api-resources`, `get` columns
 * and `get all` as a user would see them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { builtinRegistry } from './builtin.js';
import { kubectlAgainst } from './testing/kubectl-against.js';
import type { Registry } from './registry.js';
import type { KubeObject } from './types.js';
import { AGGREGATED_DISCOVERY_CONTENT_TYPE, aggregatedCoreDiscovery, aggregatedGroupsDiscovery, apiGroupList, apiResourceList, apiVersions } from './discovery.js';

const ago = (s: number): string => new Date(Date.now() - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Objects the fake server lists, by `<group>/<plural>`. */
const OBJECTS: Record<string, KubeObject[]> = {
  '/pods': [
    { metadata: { name: 'web-1', namespace: 'default', creationTimestamp: ago(200) }, spec: { nodeName: 'node1', containers: [{ name: 'web' }] }, status: { phase: 'Running', podIPs: [{ ip: '10.42.0.5' }], containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: {} } }] } },
    { metadata: { name: 'web-2', namespace: 'default', creationTimestamp: ago(30) }, spec: { containers: [{ name: 'web' }] }, status: { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] } },
  ],
  '/services': [{ metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(60) }, spec: { type: 'ClusterIP', clusterIP: '10.43.0.7', selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP' }] } }],
  'apps/deployments': [{ metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(600) }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } }, status: { readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 } }],
  'stable.example.com/crontabs': [{ metadata: { name: 'tick', namespace: 'default', creationTimestamp: ago(5) }, spec: { cronSpec: '*/5 * * * *' } }],
};

function table(registry: Registry, group: string, version: string, plural: string): unknown {
  const rt = registry.get(group, version, plural);
  if (!rt) return undefined;
  const now = { now: new Date() };
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '7' },
    columnDefinitions: rt.columns,
    rows: (OBJECTS[`${group}/${plural}`] ?? []).map((o) => ({ cells: rt.row(o, now), object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } })),
  };
}

function handler(registry: Registry, aggregated: boolean) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const send = (code: number, body: unknown, type = 'application/json'): void => {
      res.writeHead(code, { 'Content-Type': type });
      res.end(JSON.stringify(body));
    };
    const wantsAggregated = aggregated && (req.headers.accept ?? '').includes('apidiscovery.k8s.io');
    if (path === '/version') return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
    if (path === '/api') return wantsAggregated ? send(200, aggregatedCoreDiscovery(registry), AGGREGATED_DISCOVERY_CONTENT_TYPE) : send(200, apiVersions('127.0.0.1'));
    if (path === '/apis') return wantsAggregated ? send(200, aggregatedGroupsDiscovery(registry), AGGREGATED_DISCOVERY_CONTENT_TYPE) : send(200, apiGroupList(registry));
    const gv = /^\/api\/(v1)$/.exec(path) ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(path);
    if (gv?.[1]) {
      const [group, version] = gv[1].includes('/') ? gv[1].split('/') as [string, string] : ['', gv[1]];
      const list = apiResourceList(registry, group, version);
      if (list) return send(200, list);
    }
    const list = /^\/api\/(v1)\/namespaces\/[^/]+\/([^/]+)$/.exec(path) ?? /^\/apis\/([^/]+\/[^/]+)\/namespaces\/[^/]+\/([^/]+)$/.exec(path);
    if (list?.[1] && list[2]) {
      const [group, version] = list[1].includes('/') ? list[1].split('/') as [string, string] : ['', list[1]];
      const body = table(registry, group, version, list[2]);
      if (body) return send(200, body);
    }
    send(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
  };
}

async function startKubectl(t: { after(fn: () => unknown): void }, aggregated: boolean): Promise<(...args: string[]) => Promise<string>> {
  const registry = builtinRegistry();
  registry.applyCRD({
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com', scope: 'Namespaced', names: { plural: 'crontabs', kind: 'CronTab', shortNames: ['ct'], categories: ['all'] },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } }, additionalPrinterColumns: [{ name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' }] }],
    },
  });
  return (await kubectlAgainst(t, createServer(handler(registry, aggregated)), 'skiff-discovery-')).kubectl;
}

/** Output lines with runs of spaces collapsed, so assertions do not depend on column widths. */
function rows(out: string): string[] {
  return out.trim().split('\n').map((l) => l.trim().replace(/\s+/g, ' '));
}

test('kubectl reads aggregated discovery and the Tables built from the registry', async (t) => {
  const kubectl = await startKubectl(t, true);
  const resources = rows(await kubectl('api-resources'));
  assert.equal(resources[0], 'NAME SHORTNAMES APIVERSION NAMESPACED KIND');
  for (const want of [
    'pods po v1 true Pod', 'namespaces ns v1 false Namespace', 'deployments deploy apps/v1 true Deployment',
    'horizontalpodautoscalers hpa autoscaling/v2 true HorizontalPodAutoscaler', 'cronjobs cj batch/v1 true CronJob',
    'customresourcedefinitions crd,crds apiextensions.k8s.io/v1 false CustomResourceDefinition', 'leases coordination.k8s.io/v1 true Lease',
    'events ev events.k8s.io/v1 true Event', 'crontabs ct stable.example.com/v1 true CronTab',
  ]) assert.ok(resources.includes(want), `api-resources lacks "${want}"`);
  assert.ok(!resources.some((l) => l.startsWith('pods/')), 'subresources are not listed');

  const podLines = rows(await kubectl('get', 'po'));
  assert.deepEqual(podLines.map((l) => l.replace(/ [0-9ms]+$/, ' <age>')), ['NAME READY STATUS RESTARTS AGE', 'web-1 1/1 Running 0 <age>', 'web-2 0/1 ContainerCreating 0 <age>']);
  const wide = rows(await kubectl('get', 'PODS', '-o', 'wide'));
  assert.equal(wide[0], 'NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES');
  assert.match(wide[1] ?? '', /^web-1 1\/1 Running 0 \S+ 10\.42\.0\.5 node1 <none> <none>$/);
  const deploy = rows(await kubectl('get', 'deploy', '-o', 'wide'));
  assert.equal(deploy[0], 'NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR');
  assert.equal(deploy[1], 'web 1/2 2 1 10m web nginx:1.27 app=web');
  assert.deepEqual(rows(await kubectl('get', 'ct')), ['NAME SPEC', 'tick */5 * * * *']);

  // `get all` expands the category in discovery order; kubectl prefixes the kind.
  const all = rows(await kubectl('get', 'all'));
  const names = all.filter((l) => !l.startsWith('NAME')).map((l) => l.split(' ')[0]).filter((n) => n);
  assert.deepEqual(names, ['pod/web-1', 'pod/web-2', 'service/web', 'deployment.apps/web', 'crontab.stable.example.com/tick']);
});

test('kubectl falls back to the legacy discovery documents', async (t) => {
  const kubectl = await startKubectl(t, false);
  const resources = rows(await kubectl('api-resources'));
  assert.ok(resources.includes('pods po v1 true Pod'));
  assert.ok(resources.includes('deployments deploy apps/v1 true Deployment'));
  assert.ok(resources.includes('crontabs ct stable.example.com/v1 true CronTab'));
  assert.deepEqual(rows(await kubectl('get', 'svc')).map((l) => l.replace(/ [0-9ms]+$/, ' <age>')), ['NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE', 'web ClusterIP 10.43.0.7 <none> 80/TCP <age>']);
});
