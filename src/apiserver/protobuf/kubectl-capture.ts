/**
 * Test support: a tiny plain-HTTP server on 127.0.0.1:0 that answers the real kubectl just
 * enough (version, aggregated discovery, one existing deployment for `autoscale`) and records
 * every POST body, so tests can decode exactly the bytes kubectl sends.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeProtobufObject } from './decode.js';
import { richCronJob } from './rich-cronjob.js';

const run = promisify(execFile);

export interface CapturedRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/** [group, version, plural, kind, namespaced]: what the discovery documents advertise. */
const resources: ReadonlyArray<readonly [string, string, string, string, boolean]> = [
  ['', 'v1', 'namespaces', 'Namespace', false], ['', 'v1', 'configmaps', 'ConfigMap', true],
  ['', 'v1', 'secrets', 'Secret', true], ['', 'v1', 'services', 'Service', true],
  ['', 'v1', 'serviceaccounts', 'ServiceAccount', true], ['', 'v1', 'resourcequotas', 'ResourceQuota', true],
  ['', 'v1', 'pods', 'Pod', true],
  ['apps', 'v1', 'deployments', 'Deployment', true], ['batch', 'v1', 'jobs', 'Job', true],
  ['batch', 'v1', 'cronjobs', 'CronJob', true],
  ['autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true],
  ['autoscaling', 'v1', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true],
  ['networking.k8s.io', 'v1', 'ingresses', 'Ingress', true],
  ['rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true],
  ['rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false],
  ['rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true],
  ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false],
  ['policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true],
  ['scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false],
];

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const discoveryType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

function discovery(core: boolean): unknown {
  const groups = new Map<string, Map<string, unknown[]>>();
  for (const [group, version, plural, kind, namespaced] of resources) {
    if ((group === '') !== core) continue;
    const versions = groups.get(group) ?? new Map<string, unknown[]>();
    groups.set(group, versions);
    const list = versions.get(version) ?? [];
    versions.set(version, list);
    list.push({
      resource: plural, responseKind: { group, version, kind }, scope: namespaced ? 'Namespaced' : 'Cluster',
      singularResource: kind.toLowerCase(), verbs,
      subresources: kind === 'Deployment' ? [{ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] }] : [],
    });
  }
  const items = [...groups].map(([group, versions]) => ({
    metadata: { name: group },
    versions: [...versions].map(([version, list]) => ({ version, freshness: 'Current', resources: list })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

/** The deployment `kubectl autoscale deployment web` reads before it creates the HPA. */
const existingDeployment = {
  kind: 'Deployment', apiVersion: 'apps/v1',
  metadata: { name: 'web', namespace: 'default', uid: '6f1c1d8e-0000-4000-8000-000000000001', resourceVersion: '7', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
};

/** Statuses the server fills in for review-like kinds, so kubectl accepts the answer. */
const reviewStatus: Readonly<Record<string, unknown>> = {
  SelfSubjectAccessReview: { allowed: true },
  SelfSubjectRulesReview: { resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], nonResourceRules: [], incomplete: false },
  TokenRequest: { token: 'token-from-capture', expirationTimestamp: '2026-01-01T01:00:00Z' },
  SelfSubjectReview: { userInfo: { username: 'capture-user', groups: ['system:authenticated'] } },
};

function send(res: ServerResponse, code: number, body: unknown, type = 'application/json'): void {
  res.writeHead(code, { 'Content-Type': type });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse, path: string): void {
  send(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `${path} not found`, reason: 'NotFound', code: 404 });
}

async function answer(req: IncomingMessage, res: ServerResponse, captured: CapturedRequest[]): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === '/version') return send(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
  if (method === 'GET' && path === '/api') return send(res, 200, discovery(true), discoveryType);
  if (method === 'GET' && path === '/apis') return send(res, 200, discovery(false), discoveryType);
  if (method === 'GET' && path === '/apis/apps/v1/namespaces/default/deployments/web') return send(res, 200, existingDeployment);
  if (method === 'GET' && path === '/apis/batch/v1/namespaces/default/cronjobs/rich') return send(res, 200, richCronJob);
  if (method !== 'POST') return notFound(res, path);
  const body = Buffer.concat(chunks);
  captured.push({ method, path, contentType: String(req.headers['content-type'] ?? ''), body });
  const decoded = decodeProtobufObject(body);
  if (decoded.ok) {
    const status = reviewStatus[decoded.object.kind ?? ''];
    return send(res, 201, status ? { ...decoded.object, status } : decoded.object);
  }
  send(res, 415, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: decoded.message, reason: 'UnsupportedMediaType', code: 415 });
}

export interface CaptureServer {
  readonly url: string;
  readonly captured: CapturedRequest[];
  /** Runs kubectl (default /usr/bin/kubectl) against this server with a private HOME; resolves with stdout. */
  kubectl(args: readonly string[], opts?: { readonly binary?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const captured: CapturedRequest[] = [];
  const home = await mkdtemp(join(tmpdir(), 'skiff-pb-'));
  const server = createServer((req, res) => {
    answer(req, res, captured).catch((err: unknown) => send(res, 500, { message: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    captured,
    async kubectl(args, opts) {
      const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home };
      const { stdout } = await run(opts?.binary ?? '/usr/bin/kubectl', ['--server', url, ...args], { env, timeout: 30_000 });
      return stdout;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(home, { recursive: true, force: true });
    },
  };
}
