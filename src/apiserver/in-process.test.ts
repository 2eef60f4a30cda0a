/**
 * The in-process transport answers as HTTPS does: same identity checks, same errors
 * (404, 409, 400), same objects, same watch events; and it ends watches when the caller
 * aborts or the server closes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { pino } from 'pino';
import type { KubeObject } from '../api/types.js';
import { StatusError } from '../client/errors.js';
import { RestClient } from '../client/rest.js';
import { restClientOver } from '../client/transport-client.js';
import { connect } from '../client/typed/index.js';
import { serve } from './wiring.js';
import type { RunningApiServer } from './server.js';

interface Pair { server: RunningApiServer; https: RestClient; local: RestClient }

async function start(t: TestContext): Promise<Pair> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-inproc-'));
  const server = await serve({ dataDir, bindAddress: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  const https = connect(server.kubeconfigPath, 'test-https');
  const local = restClientOver(server.inProcessTransport(), 'test-local');
  t.after(async () => {
    https.close();
    local.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { server, https, local };
}

const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
const podsPath = '/api/v1/namespaces/default/pods';

async function statusOf(p: Promise<unknown>): Promise<{ code: number; reason: string | undefined }> {
  try {
    await p;
  } catch (err: unknown) {
    if (err instanceof StatusError) return { code: err.code, reason: err.reason };
    throw err;
  }
  return { code: 200, reason: undefined };
}

test('requests through the transport are authenticated as its identity; HTTPS without credentials is 401', async (t) => {
  const { server, local } = await start(t);
  const anonymous = new RestClient({ server: server.url, namespace: 'default', contextName: 'x', insecureSkipTLSVerify: true });
  t.after(() => anonymous.close());
  assert.deepEqual(await statusOf(anonymous.get(podsPath)), { code: 401, reason: 'Unauthorized' });
  // A header cannot change who an in-process caller is: the transport's identity decides.
  const list = await local.request<{ kind: string }>({ path: podsPath, headers: { Authorization: 'Bearer wrong' } });
  assert.equal(list.kind, 'PodList');
});

test('creates, reads and errors through the transport match HTTPS', async (t) => {
  const { https, local } = await start(t);
  const viaLocal = await local.create<KubeObject>(podsPath, pod('a'));
  const viaHttps = await https.create<KubeObject>(podsPath, pod('b'));
  assert.equal(viaLocal.metadata?.namespace, 'default');
  assert.ok(viaLocal.metadata?.uid);
  assert.deepEqual(Object.keys(viaLocal).sort(), Object.keys(viaHttps).sort());
  assert.equal(viaLocal.metadata?.managedFields?.[0]?.manager, 'test-local');
  // The object as stored is the same whichever way it is read.
  assert.deepEqual(await local.get(`${podsPath}/a`), await https.get(`${podsPath}/a`));
  for (const client of [local, https]) {
    assert.deepEqual(await statusOf(client.get(`${podsPath}/missing`)), { code: 404, reason: 'NotFound' });
    assert.deepEqual(await statusOf(client.create(podsPath, pod('a'))), { code: 409, reason: 'AlreadyExists' });
    assert.deepEqual(await statusOf(client.create(podsPath, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad name' }, spec: { containers: [] } })), { code: 422, reason: 'Invalid' });
    assert.deepEqual(await statusOf(client.create('/api/v1/namespaces/nope/pods', pod('z'))), { code: 404, reason: 'NotFound' });
    assert.deepEqual(await statusOf(client.get('/api/v1/nosuchthings')), { code: 404, reason: 'NotFound' });
  }
  // The caller's object is not changed by the server (the transport hands it over uncopied).
  const mine = pod('c');
  await local.create(podsPath, mine);
  assert.deepEqual(mine, pod('c'));
  // Binding, patch and delete go through the same handlers.
  await local.create(`${podsPath}/a/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'a' }, target: { kind: 'Node', name: 'n1' } });
  assert.deepEqual(await statusOf(local.create(`${podsPath}/a/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'a' }, target: { kind: 'Node', name: 'n2' } })), { code: 409, reason: 'Conflict' });
  const patched = await local.patch<KubeObject>(`${podsPath}/a`, { metadata: { labels: { app: 'y' } } }, 'application/merge-patch+json');
  assert.equal(patched.metadata?.labels?.app, 'y');
  assert.equal((await https.get<{ spec: { nodeName?: string } }>(`${podsPath}/a`)).spec.nodeName, 'n1');
  await local.delete(`${podsPath}/a`, { gracePeriodSeconds: 0 });
  assert.deepEqual(await statusOf(https.get(`${podsPath}/a`)), { code: 404, reason: 'NotFound' });
});

test('watches through the transport see the same events as over HTTPS and end on abort', async (t) => {
  const { https, local } = await start(t);
  const first = await local.create<KubeObject>(podsPath, pod('w0'));
  const rv = first.metadata?.resourceVersion ?? '0';
  const collect = async (client: RestClient, signal: AbortSignal, want: number): Promise<string[]> => {
    const seen: string[] = [];
    for await (const e of client.watch<KubeObject>(podsPath, { resourceVersion: rv, labelSelector: 'app=x' }, { signal })) {
      seen.push(`${e.type} ${e.object.metadata?.name} ${e.object.metadata?.resourceVersion}`);
      if (seen.length === want) break;
    }
    return seen;
  };
  const stopLocal = new AbortController();
  const stopHttps = new AbortController();
  const localSeen = collect(local, stopLocal.signal, 4);
  const httpsSeen = collect(https, stopHttps.signal, 4);
  await new Promise((r) => setTimeout(r, 100));
  await https.create(podsPath, pod('w1'));
  await local.create(podsPath, pod('w2'));
  await local.patch(`${podsPath}/w1`, { metadata: { labels: { app: 'other' } } }, 'application/merge-patch+json');
  await local.patch(`${podsPath}/w2`, { metadata: { annotations: { a: 'b' } } }, 'application/merge-patch+json');
  const [a, b] = await Promise.all([localSeen, httpsSeen]);
  assert.deepEqual(a, b);
  assert.deepEqual(a.map((l) => l.split(' ').slice(0, 2).join(' ')), ['ADDED w1', 'ADDED w2', 'DELETED w1', 'MODIFIED w2']);
  // An aborted watch ends its iteration.
  const abort = new AbortController();
  const events: string[] = [];
  const ended = (async () => {
    for await (const e of local.watch<KubeObject>(podsPath, { resourceVersion: rv }, { signal: abort.signal })) events.push(e.type);
  })();
  await new Promise((r) => setTimeout(r, 50));
  abort.abort();
  await ended;
  assert.ok(events.length >= 2, `events before the abort: ${events.join(',')}`);
  // A watch from a compacted or bad resourceVersion answers as over HTTPS.
  assert.deepEqual(await statusOf((async () => { for await (const _ of local.watch(podsPath, { resourceVersion: 'x' })) break; })()), await statusOf((async () => { for await (const _ of https.watch(podsPath, { resourceVersion: 'x' })) break; })()));
});

test('a watch through the transport ends when the server closes', async (t) => {
  const { server, local } = await start(t);
  const done = (async () => {
    const types: string[] = [];
    for await (const e of local.watch(podsPath, {})) types.push(e.type);
    return types;
  })();
  await new Promise((r) => setTimeout(r, 50));
  await server.close();
  assert.deepEqual(await done, []);
});
