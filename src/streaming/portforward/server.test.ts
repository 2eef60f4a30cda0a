/**
 * The portforward.k8s.io pairing rules, driven by our own SPDY client over loopback (the real
 * kubectl is in test/e2e/portforward.test.ts): streams without the required headers are
 * refused, a lone stream times out with a message, a duplicate is reported, and a pod that
 * closes first ends the data stream.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { SpdySession } from '../spdy/session.js';
import type { SpdyStream } from '../spdy/stream.js';
import { servePortForward, type PortForwardOptions } from './server.js';

async function setup(t: TestContext, opts: Partial<PortForwardOptions> & Pick<PortForwardOptions, 'connect'>): Promise<{ client: SpdySession; warnings: string[] }> {
  const listener = createServer();
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const raw = connect((listener.address() as AddressInfo).port, '127.0.0.1');
  const [serverSide] = await accepted;
  listener.close();
  const warnings: string[] = [];
  const session = servePortForward(serverSide, { podName: 'p_ns', podUid: 'u1', onWarning: (m) => warnings.push(m), ...opts });
  const client = new SpdySession(raw, { role: 'client' });
  t.after(async () => { client.close(); session.dispose(); await session.closed; raw.destroy(); });
  return { client, warnings };
}

function text(stream: SpdyStream): Promise<string> {
  let out = '';
  stream.on('data', (d: Buffer) => { out += d.toString(); });
  return new Promise((resolve) => stream.on('end', () => resolve(out)));
}

const h = (type: string, port: string, requestId: string): Record<string, string[]> => ({ streamtype: [type], port: [port], requestid: [requestId] });

test('streams without a valid port or stream type are refused', async (t) => {
  const { client, warnings } = await setup(t, { connect: () => Promise.reject(new Error('unused')) });
  await assert.rejects(client.openStream({ streamtype: ['data'] }), /reset/);
  await assert.rejects(client.openStream(h('data', '0', '1')), /reset/);
  await assert.rejects(client.openStream(h('data', 'http', '1')), /reset/);
  await assert.rejects(client.openStream(h('stdin', '80', '1')), /reset/);
  assert.deepEqual(warnings.map((w) => w.replace(/^stream \d+ refused: /, '')), [
    '"port" header is required', 'port "0" must be > 0', 'unable to parse "http" as a port', 'invalid stream type "stdin"',
  ]);
});

test('an error stream whose data stream never comes gets a timeout message', async (t) => {
  const { client } = await setup(t, { connect: () => Promise.reject(new Error('unused')), streamCreationTimeoutMs: 100 });
  const error = await client.openStream(h('error', '80', '7'));
  error.end();
  assert.match(await text(error), /timed out waiting for streams of request 7/);
});

test('a second error stream for one request is reported on the first', async (t) => {
  const { client } = await setup(t, { connect: () => Promise.reject(new Error('unused')), streamCreationTimeoutMs: 200 });
  const error = await client.openStream(h('error', '80', '1'));
  const message = text(error);
  await client.openStream(h('error', '80', '1')).catch(() => undefined);
  error.end();
  const got = await message;
  assert.match(got, /error processing stream for request 1: error stream already assigned/);
  assert.match(got, /timed out waiting for streams of request 1/);
});

test('a pod that answers and closes ends the data stream; the error stream ends empty soon after', async (t) => {
  const pod = createServer((s) => s.end('HTTP/1.0 200 OK\r\n\r\nhi'));
  await new Promise<void>((r) => pod.listen(0, '127.0.0.1', r));
  t.after(() => pod.close());
  const ports: number[] = [];
  const { client } = await setup(t, {
    connect: (port) => {
      ports.push(port);
      const s = connect((pod.address() as AddressInfo).port, '127.0.0.1');
      return once(s, 'connect').then(() => s);
    },
  });
  const error = await client.openStream(h('error', '8080', '0'));
  error.end();
  const data = await client.openStream(h('data', '8080', '0'));
  data.write('GET / HTTP/1.0\r\n\r\n');
  assert.equal(await text(data), 'HTTP/1.0 200 OK\r\n\r\nhi');
  assert.equal(await text(error), '');
  assert.deepEqual(ports, [8080]);
});

test('a pod connection that completes after the client left is closed at once', async (t) => {
  let open = 0;
  let closed = 0;
  const pod = createServer((s) => { open++; s.on('close', () => { closed++; }); s.resume(); });
  await new Promise<void>((r) => pod.listen(0, '127.0.0.1', r));
  t.after(() => pod.close());
  let dialled: () => void = () => undefined;
  const dialling = new Promise<void>((r) => { dialled = r; });
  const { client } = await setup(t, {
    connect: async () => {
      await new Promise((r) => setTimeout(r, 150));
      const s = connect((pod.address() as AddressInfo).port, '127.0.0.1');
      await once(s, 'connect');
      dialled();
      return s;
    },
  });
  const error = await client.openStream(h('error', '80', '0'));
  error.end();
  await client.openStream(h('data', '80', '0'));
  client.close();
  await dialling;
  for (let i = 0; i < 100 && closed < 1; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(open, 1);
  assert.equal(closed, 1);
});
