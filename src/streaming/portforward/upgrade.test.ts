/** The upgrade answers for both transports, and refusals in the API server's Status form. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { connect as netConnect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { SpdySession } from '../spdy/session.js';
import { PORT_FORWARD_WEBSOCKET_PROTOCOL, portForwardUpgradeHandler, upgradePortForward } from './upgrade.js';

async function upgradeServer(t: TestContext): Promise<{ port: number; transports: Duplex[] }> {
  const transports: Duplex[] = [];
  const server = createServer((_req, res) => res.end());
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void upgradePortForward(req, socket, head).then((tr) => { if (tr) { transports.push(tr); tr.on('data', (d: Buffer) => tr.write(d)); } });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => { for (const tr of transports) tr.destroy(); server.close(); });
  return { port: (server.address() as AddressInfo).port, transports };
}

function rawUpgrade(port: number, headers: Record<string, string>): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/x', headers: { Connection: 'Upgrade', ...headers } });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' }); });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('plain SPDY/3.1 upgrade: 101 naming portforward.k8s.io, or 403 for other stream protocols', async (t) => {
  const { port } = await upgradeServer(t);
  const ok = await rawUpgrade(port, { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' });
  assert.equal(ok.status, 101);
  assert.equal(ok.headers.upgrade, 'SPDY/3.1');
  assert.equal(ok.headers['x-stream-protocol-version'], 'portforward.k8s.io');
  const wrong = await rawUpgrade(port, { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.headers['x-accepted-stream-protocol-versions'], 'portforward.k8s.io');
  assert.match(JSON.parse(wrong.body).message, /unable to negotiate protocol: client supports \[v4\.channel\.k8s\.io\], server supports \[portforward\.k8s\.io\]/);
  const none = await rawUpgrade(port, { Upgrade: 'h2c' });
  assert.equal(none.status, 400);
  assert.equal(JSON.parse(none.body).kind, 'Status');
});

/**
 * A raw WebSocket handshake: the `ws` client, like its server, will not offer a subprotocol
 * with a '/', which kubectl's Go client (gorilla) does.
 */
function wsUpgrade(port: number, protocol: string): Promise<{ status: number; headers: IncomingMessage['headers']; socket?: Duplex }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/x', headers: {
      Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), 'Sec-WebSocket-Protocol': protocol,
    } });
    req.on('upgrade', (res, socket) => resolve({ status: res.statusCode ?? 0, headers: res.headers, socket }));
    req.on('response', (res) => { res.resume(); resolve({ status: res.statusCode ?? 0, headers: res.headers }); });
    req.on('error', reject);
    req.end();
  });
}

/** A client frame (masked, short binary payload). */
function clientFrame(payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
  return Buffer.concat([Buffer.from([0x82, 0x80 | payload.length]), mask, masked]);
}

test('WebSocket upgrade: the tunnel subprotocol is chosen and binary messages are the byte stream', async (t) => {
  const { port, transports } = await upgradeServer(t);
  const { status, headers, socket } = await wsUpgrade(port, `${PORT_FORWARD_WEBSOCKET_PROTOCOL}`);
  assert.equal(status, 101);
  assert.equal(headers['sec-websocket-protocol'], PORT_FORWARD_WEBSOCKET_PROTOCOL);
  assert.ok(socket);
  t.after(() => socket.destroy());
  const received: Buffer[] = [];
  socket.on('data', (d: Buffer) => received.push(d));
  socket.write(clientFrame(Buffer.from('spdy bytes')));
  await eventually(() => Buffer.concat(received).length >= 12);
  // Server frames are unmasked binary messages.
  assert.deepEqual(Buffer.concat(received), Buffer.concat([Buffer.from([0x82, 10]), Buffer.from('spdy bytes')]));
  assert.equal(transports.length, 1);
  // Our end closes with a normal closure (1000), which Go's tunnel reads as EOF.
  received.length = 0;
  transports[0]?.end();
  await eventually(() => Buffer.concat(received).length >= 4);
  assert.deepEqual([...Buffer.concat(received).subarray(0, 4)], [0x88, 0x02, 0x03, 0xe8]);
});

test('WebSocket upgrade without the tunnel subprotocol is refused with a 400 Status', async (t) => {
  const { port, transports } = await upgradeServer(t);
  const { status } = await wsUpgrade(port, 'v5.channel.k8s.io');
  assert.equal(status, 400);
  assert.equal(transports.length, 0);
});

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('the upgrade handler serves the session when nobody asked to see it (no onSession, as the kubelet)', { timeout: 10_000 }, async (t) => {
  const pod = createTcpServer((s) => { s.on('error', () => s.destroy()); s.pipe(s); });
  pod.listen(0, '127.0.0.1');
  await once(pod, 'listening');
  const podPort = (pod.address() as AddressInfo).port;
  const dialled: number[] = [];
  const handler = portForwardUpgradeHandler(() => ({
    connect: (port) => {
      dialled.push(port);
      const s = netConnect({ host: '127.0.0.1', port: podPort });
      return once(s, 'connect').then(() => s);
    },
  }));
  const server = createServer((_req, res) => res.end());
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    handler(req, socket, head, { namespace: 'default', name: 'web', query: new URLSearchParams(), object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' } } });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = await new Promise<Socket>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/x', headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' } });
    req.on('upgrade', (_res, s: Socket) => resolve(s));
    req.on('error', reject);
    req.end();
  });
  const client = new SpdySession(socket, { role: 'client' });
  t.after(() => { client.close(); socket.destroy(); server.close(); pod.close(); });
  const headers = (type: string): Record<string, string[]> => ({ streamtype: [type], port: ['80'], requestid: ['1'] });
  const errorStream = await client.openStream(headers('error'), { fin: true });
  const data = await client.openStream(headers('data'));
  errorStream.resume();
  data.write('ping');
  const [echo] = await once(data, 'data') as [Buffer];
  assert.equal(echo.toString(), 'ping');
  assert.deepEqual(dialled, [80]);
});
