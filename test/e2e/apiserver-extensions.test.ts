/** The in-process API (serve()) and subresource handlers other components register (pods/log). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { serve, type SubresourceHandler, type UpgradeHandler } from '../../src/apiserver/index.js';
import { apiClient, kubectlFor } from './helpers/server.js';

test('a registered pods/log handler gets the live pod; unregistered streaming subresources are 404', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-ext-'));
  const seen: string[] = [];
  const logs: SubresourceHandler = async (_req, res, target) => {
    seen.push(`${target.namespace}/${target.name} container=${target.query.get('container') ?? ''} uid=${String(target.object.metadata?.uid)}`);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('hello from the node\n');
  };
  const { pino } = await import('pino');
  const server = await serve({ dataDir, bindAddress: '127.0.0.1', port: 0, subresourceHandlers: new Map([['/pods/log', logs]]), logger: pino({ level: 'silent' }) });
  t.after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const api = apiClient(server.kubeconfigPath);
  const created = await api.request('POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
  assert.equal(created.status, 201);
  const r = await api.request('GET', '/api/v1/namespaces/default/pods/p/log?container=c');
  assert.equal(r.status, 200);
  assert.equal(r.text, 'hello from the node\n');
  assert.deepEqual(seen, [`default/p container=c uid=${created.json<{ metadata: { uid: string } }>().metadata.uid}`]);
  assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods/missing/log')).status, 404);
  assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods/p/exec')).status, 404);
});

test('a registered pods/exec upgrade handler serves the real kubectl exec over WebSocket v5', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-ext-'));
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
  const commands: string[][] = [];
  const exec: UpgradeHandler = (req, socket, head, target) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const argv = target.query.getAll('command');
      commands.push(argv);
      // A fake runtime: echo the arguments on stdout (channel 1), then success on channel 3.
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`${argv.slice(1).join(' ')}\n`)]));
      ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify({ metadata: {}, status: 'Success' }))]));
      ws.close(1000);
    });
  };
  const { pino } = await import('pino');
  const server = await serve({ dataDir, bindAddress: '127.0.0.1', port: 0, upgradeHandlers: new Map([['/pods/exec', exec]]), logger: pino({ level: 'silent' }) });
  const k = kubectlFor(server.kubeconfigPath);
  t.after(async () => {
    k.cleanup();
    wss.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const api = apiClient(server.kubeconfigPath);
  await api.request('POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] }, status: { phase: 'Running' } } });
  const r = await k.run(['exec', 'p', '--', 'echo', 'hello', 'world']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello world\n');
  assert.deepEqual(commands, [['echo', 'hello', 'world']]);
  const missing = await k.run(['exec', 'nope', '--', 'true']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /NotFound/);
});
