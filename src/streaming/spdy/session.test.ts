/** SpdySession over a real loopback TCP connection: streams, refusals, pings, back-pressure, teardown. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { encodeFrame, FrameReader, RstStatus, type Frame } from './frames.js';
import { encodeHeaderBlock, HeaderDeflater } from './header-block.js';
import { SpdySession, type SpdySessionOptions } from './session.js';
import type { SpdyStream } from './stream.js';

async function socketPair(t: TestContext): Promise<[Socket, Socket]> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  const [serverSide] = await accepted;
  await once(client, 'connect');
  server.close();
  t.after(() => { client.destroy(); serverSide.destroy(); });
  return [client, serverSide];
}

async function sessions(t: TestContext, serverOpts: Omit<SpdySessionOptions, 'role'> = {}, clientOpts: Omit<SpdySessionOptions, 'role'> = {}): Promise<{ client: SpdySession; server: SpdySession; accepted: SpdyStream[] }> {
  const [c, s] = await socketPair(t);
  const accepted: SpdyStream[] = [];
  const server = new SpdySession(s, { role: 'server', onStream: (st) => accepted.push(st), ...serverOpts });
  const client = new SpdySession(c, { role: 'client', ...clientOpts });
  t.after(() => { client.close(); server.close(); });
  return { client, server, accepted };
}

function readAll(stream: SpdyStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (d: Buffer) => chunks.push(d));
  return new Promise((resolve, reject) => {
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

test('a client stream carries data both ways with half-closes, then both sides forget it', async (t) => {
  const { client, server, accepted } = await sessions(t);
  const stream = await client.openStream({ purpose: ['test'] });
  assert.equal(stream.id, 1);
  assert.deepEqual(accepted[0]?.headers, { purpose: ['test'] });
  const peer = accepted[0] as SpdyStream;
  const toServer = readAll(peer);
  stream.end(Buffer.alloc(100_000, 7));
  assert.deepEqual(await toServer, Buffer.alloc(100_000, 7));
  const toClient = readAll(stream);
  peer.end('bye');
  assert.equal((await toClient).toString(), 'bye');
  await new Promise((r) => setImmediate(r));
  assert.equal(server.streamCount, 0);
  assert.equal(client.streamCount, 0);
  assert.equal((await client.openStream({})).id, 3);
});

test('a refused stream is reset, and the opener hears why', async (t) => {
  const { client, accepted } = await sessions(t, { check: (h) => (h.port ? undefined : 'port header is required') });
  await assert.rejects(client.openStream({}), /reset by the peer \(status 3\)/);
  await client.openStream({ port: ['1'] });
  assert.equal(accepted.length, 1);
});

test('pings are answered by either side', async (t) => {
  const { client, server } = await sessions(t);
  assert.ok((await client.ping()) >= 0);
  assert.ok((await server.ping()) >= 0);
});

test('an unread stream stops the session reading: data waits in the transport, not in memory', async (t) => {
  const { client, accepted } = await sessions(t);
  const stream = await client.openStream({});
  const peer = accepted[0] as SpdyStream;
  peer.pause();
  const total = 8 * 1024 * 1024;
  let written = false;
  stream.write(Buffer.alloc(total, 1), () => { written = true; });
  await new Promise((r) => setTimeout(r, 300));
  // The receiver holds at most its read buffer plus a frame; the rest is back-pressured.
  assert.ok(peer.readableLength <= 512 * 1024, `buffered ${peer.readableLength}`);
  assert.equal(written, false);
  const got = readAll(peer);
  peer.resume();
  stream.end();
  assert.equal((await got).length, total);
});

test('closing a session says GOAWAY, resets open streams on both sides and settles closed', async (t) => {
  const { client, server, accepted } = await sessions(t);
  const stream = await client.openStream({});
  const resets: number[] = [];
  stream.on('reset', (status: number) => resets.push(status));
  server.close();
  await Promise.all([server.closed, client.closed]);
  assert.ok(stream.destroyed);
  assert.ok(accepted[0]?.destroyed);
  assert.equal(resets.length, 1);
  await assert.rejects(client.openStream({}), /closing|closed/);
});

test('a stream id of the wrong parity or going backwards is reset with PROTOCOL_ERROR', async (t) => {
  const [raw, s] = await socketPair(t);
  const accepted: SpdyStream[] = [];
  const server = new SpdySession(s, { role: 'server', onStream: (st) => accepted.push(st) });
  t.after(() => server.close());
  const deflater = new HeaderDeflater();
  const syn = (streamId: number): Buffer => encodeFrame({ type: 'syn_stream', streamId, associatedId: 0, priority: 0, flags: 0, headerBlock: deflater.compress(encodeHeaderBlock({})) });
  raw.write(Buffer.concat([syn(2), syn(5), syn(3)]));
  const reader = new FrameReader();
  const got: Frame[] = [];
  while (got.length < 3) {
    const [chunk] = await once(raw, 'data') as [Buffer];
    reader.push(chunk);
    for (let f = reader.next(); f; f = reader.next()) got.push(f);
  }
  assert.deepEqual(got.map((f) => f.type === 'rst_stream' ? `rst ${f.streamId} ${f.status}` : `${f.type} ${'streamId' in f ? f.streamId : ''}`),
    [`rst 2 ${RstStatus.ProtocolError}`, 'syn_reply 5', `rst 3 ${RstStatus.ProtocolError}`]);
  assert.deepEqual(accepted.map((st) => st.id), [5]);
});

test('with SPDY/3.1 windows an unread stream stops its sender, not the session', async (t) => {
  const { client, accepted } = await sessions(t, { flowControl: true }, { flowControl: true });
  const slow = await client.openStream({ name: ['slow'] });
  const slowPeer = accepted[0] as SpdyStream;
  slowPeer.pause();
  const total = 2 * 1024 * 1024;
  let written = false;
  slow.write(Buffer.alloc(total, 2), () => { written = true; });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(written, false);
  // At most the read buffer plus one window is in flight for the unread stream...
  assert.ok(slowPeer.readableLength <= 256 * 1024 + 64 * 1024, `buffered ${slowPeer.readableLength}`);
  // ...while the session still reads: pings come back and another stream moves data.
  assert.ok((await client.ping()) >= 0);
  const fast = await client.openStream({ name: ['fast'] });
  const fastPeer = accepted[1] as SpdyStream;
  const fastGot = readAll(fastPeer);
  fast.end(Buffer.alloc(50_000, 3));
  assert.equal((await fastGot).length, 50_000);
  const got = readAll(slowPeer);
  slowPeer.resume();
  slow.end();
  assert.equal((await got).length, total);
});
