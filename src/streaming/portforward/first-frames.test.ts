/**
 * kubectl's first bytes of a forwarded connection: the error and data SYN_STREAMs (header
 * blocks compressed as Go does, with one zlib context spanning both, so the second block
 * refers back into the first) and the client's first DATA, arriving in ONE transport chunk
 * or one byte at a time. Either way both streams must be accepted in order, paired, the pod
 * dialled once and the request bytes reach it.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { constants, createDeflate } from 'node:zlib';
import { spdy3Dictionary } from '../spdy/dictionary.js';
import { encodeFrame, FrameReader, type Frame } from '../spdy/frames.js';
import { decodeHeaderBlock, encodeHeaderBlock, type SpdyHeaders } from '../spdy/header-block.js';
import { servePortForward } from './server.js';

/** Header blocks as Go's spdystream writes them: real deflate, one context, a sync flush per block. */
async function goStyleBlocks(blocks: readonly SpdyHeaders[]): Promise<Buffer[]> {
  const z = createDeflate({ dictionary: spdy3Dictionary });
  const out: Buffer[] = [];
  let pending: Buffer[] = [];
  z.on('data', (d: Buffer) => pending.push(d));
  for (const b of blocks) {
    z.write(encodeHeaderBlock(b));
    await new Promise<void>((r) => z.flush(constants.Z_SYNC_FLUSH, () => r()));
    await new Promise((r) => setImmediate(r));
    out.push(Buffer.concat(pending));
    pending = [];
  }
  z.destroy();
  return out;
}

/** The server's side of the transport: we push the client's bytes in whatever pieces we like. */
function scriptedTransport(): { transport: Duplex; written: Buffer[] } {
  const written: Buffer[] = [];
  const transport = new Duplex({
    read() { /* pushed by the test */ },
    write(chunk: Buffer, _enc, cb) { written.push(chunk); cb(); },
  });
  return { transport, written };
}

async function echoPod(t: TestContext): Promise<{ port: number; received: () => string }> {
  let got = '';
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('data', (d: Buffer) => { got += d.toString(); s.write(d); });
    s.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => { for (const s of sockets) s.destroy(); server.close(); });
  return { port: (server.address() as AddressInfo).port, received: () => got };
}

async function firstBytes(): Promise<Buffer> {
  const [errorBlock, dataBlock] = await goStyleBlocks([
    { streamtype: ['error'], port: ['80'], requestid: ['0'] },
    { streamtype: ['data'], port: ['80'], requestid: ['0'] },
  ]);
  assert.ok(errorBlock && dataBlock);
  // The shared context makes the second block much shorter than a fresh one would be.
  assert.ok(dataBlock.length < errorBlock.length);
  const frames: Frame[] = [
    { type: 'syn_stream', streamId: 1, associatedId: 0, priority: 0, flags: 0, headerBlock: errorBlock },
    { type: 'syn_stream', streamId: 3, associatedId: 0, priority: 0, flags: 0, headerBlock: dataBlock },
    { type: 'data', streamId: 1, flags: 0x01, data: Buffer.alloc(0) },
    { type: 'data', streamId: 3, flags: 0, data: Buffer.from('GET / HTTP/1.0\r\n\r\n') },
  ];
  return Buffer.concat(frames.map(encodeFrame));
}

async function feedAndCheck(t: TestContext, split: (bytes: Buffer) => Buffer[]): Promise<void> {
  const pod = await echoPod(t);
  const { transport, written } = scriptedTransport();
  const dialled: number[] = [];
  const warnings: string[] = [];
  const session = servePortForward(transport, {
    onWarning: (m) => warnings.push(m),
    connect: (port) => {
      dialled.push(port);
      const s = connect({ host: '127.0.0.1', port: pod.port });
      return once(s, 'connect').then(() => s);
    },
  });
  t.after(async () => { session.dispose(); transport.push(null); await session.closed; });
  for (const piece of split(await firstBytes())) {
    transport.push(piece);
    await new Promise((r) => setImmediate(r));
  }
  const until = Date.now() + 5000;
  const replies = (): Frame[] => {
    const reader = new FrameReader();
    reader.push(Buffer.concat(written));
    const frames: Frame[] = [];
    for (let f = reader.next(); f; f = reader.next()) frames.push(f);
    return frames;
  };
  const echoed = (): boolean => replies().some((f) => f.type === 'data' && f.streamId === 3 && f.data.toString().includes('GET /'));
  while (!echoed() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(warnings, []);
  assert.deepEqual(dialled, [80]);
  assert.equal(pod.received(), 'GET / HTTP/1.0\r\n\r\n');
  const synReplies = replies().filter((f) => f.type === 'syn_reply').map((f) => f.streamId);
  assert.deepEqual(synReplies, [1, 3]);
  assert.ok(echoed(), 'the pod\'s answer came back on the data stream');
}

test('two SYN_STREAMs and data in one chunk: both streams paired, the pod dialled once, data delivered', async (t) => {
  await feedAndCheck(t, (bytes) => [bytes]);
});

test('the same first frames one byte at a time', async (t) => {
  await feedAndCheck(t, (bytes) => [...bytes].map((b) => Buffer.from([b])));
});

test('Go-style header blocks decode to the headers kubectl sent, in order, across one context', async () => {
  const { HeaderInflater } = await import('../spdy/header-block.js');
  const blocks = await goStyleBlocks([{ a: ['1'] }, { a: ['1'], b: ['2'] }, { a: ['1'] }]);
  const inflater = new HeaderInflater();
  // Started together, as a session could if it did not await each one: order must still hold.
  const decoded = await Promise.all(blocks.map((b) => inflater.inflate(b).then(decodeHeaderBlock)));
  inflater.close();
  assert.deepEqual(decoded, [{ a: ['1'] }, { a: ['1'], b: ['2'] }, { a: ['1'] }]);
});
