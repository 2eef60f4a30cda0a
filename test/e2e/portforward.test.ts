/**
 * `kubectl port-forward` (the real kubectl 1.32) against an in-process API server whose
 * pods/portforward handler is the SPDY port-forward server, reaching "pod ports" that are
 * TCP servers this test runs on 127.0.0.1: several concurrent connections with payloads
 * large enough to need back-pressure, half-closes, a refused port reported as kubelet does,
 * and both transports (SPDY in WebSocket, and the plain SPDY/3.1 upgrade fallback).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { serve, type RunningApiServer } from '../../src/apiserver/index.js';
import { errors } from '../../src/machinery/errors.js';
import { portForwardUpgradeHandler, type PortForwardSession } from '../../src/streaming/index.js';
import { apiClient, eventually } from './helpers/server.js';

interface Fixture {
  readonly server: RunningApiServer;
  /** Upgrade header of each port-forward request the handler saw. */
  readonly upgrades: string[];
  readonly sessions: PortForwardSession[];
  readonly warnings: string[];
  kubectl(args: string[], env?: NodeJS.ProcessEnv): { output(): string; exited(): boolean; exitCode(): number | null; stop(): Promise<void> };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** A TCP echo server that passes half-closes through (the client's FIN ends its answer). */
async function echoServer(t: TestContext): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    s.pipe(s);
  });
  t.after(() => { for (const s of sockets) s.destroy(); server.close(); });
  return listen(server);
}

/** A port nothing listens on: bound, read back, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((r) => server.close(r));
  return port;
}

async function fixture(t: TestContext, ports: Record<number, number>): Promise<Fixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-pf-'));
  const home = mkdtempSync(join(tmpdir(), 'skiff-pf-home-'));
  const upgrades: string[] = [];
  const sessions: PortForwardSession[] = [];
  const warnings: string[] = [];
  const handler = portForwardUpgradeHandler((target) => {
    // As a node agent would for a pod it does not run: the upgrade is refused with a Status.
    if (target.name !== 'web') throw errors.badRequest(`pod ${target.name} is not running on this node`);
    return {
    podName: `${target.name}_${target.namespace ?? ''}`,
    podUid: String(target.object.metadata?.uid ?? ''),
    onWarning: (m) => warnings.push(m),
    connect: (port) => new Promise((resolve, reject) => {
      const hostPort = ports[port];
      if (hostPort === undefined) { reject(new Error(`nothing mapped for port ${port}`)); return; }
      const s = connect({ host: '127.0.0.1', port: hostPort, allowHalfOpen: true });
      s.once('connect', () => { s.off('error', reject); resolve(s); });
      s.once('error', reject);
    }),
    };
  }, (session) => sessions.push(session));
  const wrapped: typeof handler = (req, socket, head, target) => {
    upgrades.push(String(req.headers.upgrade));
    handler(req, socket, head, target);
  };
  const { pino } = await import('pino');
  const server = await serve({ dataDir, bindAddress: '127.0.0.1', port: 0, upgradeHandlers: new Map([['/pods/portforward', wrapped]]), logger: pino({ level: 'silent' }) });
  const children: Array<() => Promise<void>> = [];
  t.after(async () => {
    for (const stop of children) await stop();
    for (const s of sessions) s.dispose();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  const api = apiClient(server.kubeconfigPath);
  for (const name of ['web', 'elsewhere']) {
    const created = await api.request('POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
    assert.equal(created.status, 201, created.text);
    // kubectl refuses pods that are not Running; status is written through its subresource.
    const pod = created.json<{ status?: Record<string, unknown> }>();
    const running = await api.request('PUT', `/api/v1/namespaces/default/pods/${name}/status`, { body: { ...pod, status: { ...pod.status, phase: 'Running' } } });
    assert.equal(running.status, 200, running.text);
  }
  const kubectl: Fixture['kubectl'] = (args, env = {}) => {
    const child = spawn('kubectl', args, { env: { ...process.env, HOME: home, KUBECONFIG: server.kubeconfigPath, KUBECACHEDIR: join(home, '.kube', 'cache'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const done = new Promise<void>((r) => child.once('close', () => r()));
    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
      await done;
    };
    children.push(stop);
    return { output: () => out, exited: () => child.exitCode !== null || child.signalCode !== null, exitCode: () => child.exitCode, stop };
  };
  return { server, upgrades, sessions, warnings, kubectl };
}

/** Waits for kubectl's "Forwarding from 127.0.0.1:N -> remote" line and returns N. */
async function localPort(k: { output(): string; exited(): boolean }, remote: number): Promise<number> {
  const re = new RegExp(`Forwarding from 127\\.0\\.0\\.1:(\\d+) -> ${remote}`);
  await eventually(() => re.test(k.output()) || k.exited(), 20000);
  const m = re.exec(k.output());
  assert.ok(m, `kubectl did not start forwarding: ${k.output()}`);
  return Number(m[1]);
}

/** Sends payload on a fresh local connection, half-closes, and returns all that came back. */
function exchange(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const got: Buffer[] = [];
    s.on('data', (d: Buffer) => got.push(d));
    s.on('end', () => { s.destroy(); resolve(Buffer.concat(got)); });
    s.on('error', reject);
    s.end(payload);
  });
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('kubectl port-forward over WebSocket: concurrent connections with large payloads come back intact', async (t) => {
  const echo = await echoServer(t);
  const f = await fixture(t, { 80: echo });
  const k = f.kubectl(['port-forward', 'pod/web', ':80']);
  const port = await localPort(k, 80);
  const payloads = [randomBytes(3 * 1024 * 1024 + 17), randomBytes(1536 * 1024), randomBytes(1), randomBytes(2 * 1024 * 1024)];
  const echoed = await Promise.all(payloads.map((p) => exchange(port, p)));
  echoed.forEach((e, i) => {
    assert.equal(e.length, payloads[i]?.length);
    assert.equal(sha(e), sha(payloads[i] as Buffer));
  });
  // One more after the first batch: the session stays usable.
  assert.equal((await exchange(port, Buffer.from('hello\n'))).toString(), 'hello\n');
  assert.deepEqual(f.upgrades, ['websocket']);
  assert.equal(f.sessions.length, 1);
  await eventually(() => f.sessions[0]?.activeForwards() === 0, 5000);
  assert.match(k.output(), /Handling connection for \d+/);
  assert.equal(k.exited(), false, k.output());
});

test('kubectl port-forward: a refused pod port is reported on the error stream with kubelet\'s wording; a refused upgrade shows its Status', async (t) => {
  const f = await fixture(t, { 81: await closedPort() });
  const k = f.kubectl(['port-forward', 'pod/web', ':81']);
  const port = await localPort(k, 81);
  // The local connection is accepted, then closed without data once the forward fails.
  assert.equal((await exchange(port, Buffer.from('anyone?'))).length, 0);
  await eventually(() => /error forwarding port 81/.test(k.output()), 10000);
  assert.match(k.output(), /an error occurred forwarding \d+ -> 81: error forwarding port 81 to pod web_default, uid [0-9a-f-]{36}: connect ECONNREFUSED/);
  assert.match(f.warnings.join('\n'), /error forwarding port 81 to pod web_default/);
  // kubectl 1.32 itself ends the session after any forwarding error (client-go closes the
  // connection; older clients kept going): it says so and exits 1, and our side winds down.
  await eventually(() => k.exited(), 10000);
  assert.equal(k.exitCode(), 1);
  assert.match(k.output(), /error: lost connection to pod/);
  await f.sessions[0]?.closed;
  assert.equal(f.sessions[0]?.activeForwards(), 0);
  // A refused upgrade: kubectl tries the WebSocket, falls back to SPDY, then shows the Status.
  const refused = f.kubectl(['port-forward', 'pod/elsewhere', ':81']);
  await eventually(() => refused.exited(), 15000);
  assert.equal(refused.exitCode(), 1);
  assert.match(refused.output(), /error upgrading connection: pod elsewhere is not running on this node/);
  assert.deepEqual(f.upgrades.slice(1), ['websocket', 'SPDY/3.1']);
});

test('kubectl port-forward falls back to the plain SPDY/3.1 upgrade when WebSockets are off', async (t) => {
  const echo = await echoServer(t);
  const f = await fixture(t, { 8080: echo });
  const k = f.kubectl(['port-forward', 'pod/web', ':8080'], { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
  const port = await localPort(k, 8080);
  const payloads = [randomBytes(1200 * 1024), randomBytes(700 * 1024)];
  const echoed = await Promise.all(payloads.map((p) => exchange(port, p)));
  echoed.forEach((e, i) => assert.equal(sha(e), sha(payloads[i] as Buffer)));
  assert.deepEqual(f.upgrades, ['SPDY/3.1']);
});

test('kubectl port-forward: pods that answer and close, and stopping kubectl closes what the pod still holds', async (t) => {
  const web = createServer((s) => {
    s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
    s.on('error', () => s.destroy());
  });
  const held = new Set<Socket>();
  let closedByForwarder = 0;
  const hold = createServer((s) => {
    held.add(s);
    s.on('data', () => s.write('seen'));
    s.on('close', () => { held.delete(s); closedByForwarder++; });
    s.on('error', () => s.destroy());
  });
  t.after(() => { for (const s of held) s.destroy(); web.close(); hold.close(); });
  const f = await fixture(t, { 80: await listen(web), 90: await listen(hold) });
  const k = f.kubectl(['port-forward', 'pod/web', ':80', ':90']);
  const webPort = await localPort(k, 80);
  const holdPort = await localPort(k, 90);
  for (let i = 0; i < 3; i++) {
    const answer = await exchangeOpen(webPort, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\nok$/);
  }
  const client = connect({ host: '127.0.0.1', port: holdPort });
  t.after(() => client.destroy());
  client.write('hi');
  await once(client, 'data');
  assert.equal(held.size, 1);
  assert.equal(f.sessions[0]?.activeForwards(), 1);
  await k.stop();
  await f.sessions[0]?.closed;
  await eventually(() => held.size === 0, 5000);
  assert.equal(closedByForwarder, 1);
  assert.equal(f.sessions[0]?.activeForwards(), 0);
});

/** Sends a request without half-closing and returns what arrives until the other side closes. */
function exchangeOpen(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let got = '';
    s.on('data', (d: Buffer) => { got += d.toString(); });
    s.on('close', () => resolve(got));
    s.on('error', reject);
    s.write(request);
  });
}
