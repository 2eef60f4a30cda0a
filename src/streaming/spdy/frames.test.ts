/** SPDY/3.1 frame layout, header blocks and their zlib contexts. */
import assert from 'node:assert/strict';
import { constants, createDeflate, deflateSync, inflateSync } from 'node:zlib';
import { test } from 'node:test';
import { spdy3Dictionary } from './dictionary.js';
import { encodeFrame, FrameReader, SpdyProtocolError, type Frame } from './frames.js';
import { decodeHeaderBlock, encodeHeaderBlock, HeaderDeflater, HeaderInflater } from './header-block.js';

const samples: Frame[] = [
  { type: 'data', streamId: 7, flags: 1, data: Buffer.from('hello') },
  { type: 'syn_stream', streamId: 3, associatedId: 1, priority: 5, flags: 2, headerBlock: Buffer.from([1, 2, 3]) },
  { type: 'syn_reply', streamId: 3, flags: 1, headerBlock: Buffer.from([9]) },
  { type: 'headers', streamId: 3, flags: 0, headerBlock: Buffer.alloc(0) },
  { type: 'rst_stream', streamId: 5, status: 5 },
  { type: 'settings', flags: 1, entries: [{ flags: 1, id: 7, value: 65536 }, { flags: 0, id: 4, value: 100 }] },
  { type: 'ping', id: 0xfffffffe },
  { type: 'goaway', lastGoodStreamId: 9, status: 2 },
  { type: 'window_update', streamId: 0, delta: 0x7fffffff },
];

test('every frame type survives encode and decode, whatever the chunking', () => {
  const wire = Buffer.concat(samples.map(encodeFrame));
  for (const step of [1, 3, 8, 1000]) {
    const reader = new FrameReader();
    const got: Frame[] = [];
    for (let at = 0; at < wire.length; at += step) {
      reader.push(wire.subarray(at, at + step));
      for (let f = reader.next(); f; f = reader.next()) got.push(f);
    }
    assert.deepEqual(got, samples, `chunks of ${step}`);
    assert.equal(reader.pendingBytes, 0);
  }
});

test('control frames carry version 3 and the spec layout', () => {
  assert.deepEqual([...encodeFrame({ type: 'ping', id: 1 })], [0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1]);
  assert.deepEqual([...encodeFrame({ type: 'data', streamId: 2, flags: 1, data: Buffer.from([0xaa]) })], [0, 0, 0, 2, 1, 0, 0, 1, 0xaa]);
  const spdy2 = Buffer.from([0x80, 0x02, 0x00, 0x06, 0, 0, 0, 4, 0, 0, 0, 1]);
  const reader = new FrameReader();
  reader.push(spdy2);
  assert.throws(() => reader.next(), SpdyProtocolError);
});

test('the dictionary is the 1423 bytes the spec defines', () => {
  assert.equal(spdy3Dictionary.length, 1423);
  assert.equal(spdy3Dictionary.subarray(0, 11).toString('latin1'), '\0\0\0\x07options');
  assert.ok(spdy3Dictionary.toString('latin1').endsWith(',*,enq=0.'));
});

test('header blocks: lowercase names, NUL-joined values', () => {
  const block = encodeHeaderBlock({ StreamType: ['data'], port: ['80'], multi: ['a', 'b'] });
  assert.deepEqual(decodeHeaderBlock(block), { streamtype: ['data'], port: ['80'], multi: ['a', 'b'] });
  assert.throws(() => decodeHeaderBlock(block.subarray(0, block.length - 1)), SpdyProtocolError);
});

test('our stored-block zlib stream inflates with the dictionary context, block after block', () => {
  const d = new HeaderDeflater();
  const blocks = [encodeHeaderBlock({}), encodeHeaderBlock({ a: ['x'.repeat(70000)] }), encodeHeaderBlock({ b: ['y'] })];
  const wire = Buffer.concat(blocks.map((b) => d.compress(b)));
  assert.deepEqual(inflateSync(wire, { dictionary: spdy3Dictionary, finishFlush: constants.Z_SYNC_FLUSH }), Buffer.concat(blocks));
});

test('HeaderInflater keeps one context: later blocks refer back to earlier ones, as Go compresses them', async () => {
  const z = createDeflate({ dictionary: spdy3Dictionary, level: 9 });
  const compress = (b: Buffer): Promise<Buffer> => new Promise((resolve) => {
    const out: Buffer[] = [];
    const onData = (c: Buffer): void => { out.push(c); };
    z.on('data', onData);
    z.write(b);
    z.flush(constants.Z_SYNC_FLUSH, () => { z.off('data', onData); resolve(Buffer.concat(out)); });
  });
  const headers = (id: number): Buffer => encodeHeaderBlock({ streamtype: ['error'], port: ['8080'], requestid: [String(id)] });
  const first = await compress(headers(0));
  const second = await compress(headers(1));
  z.close();
  // The second block is tiny because it points back into the first; it cannot be inflated alone.
  assert.ok(second.length < first.length);
  assert.throws(() => inflateSync(second, { dictionary: spdy3Dictionary }));
  const inflater = new HeaderInflater();
  assert.deepEqual(decodeHeaderBlock(await inflater.inflate(first)), { streamtype: ['error'], port: ['8080'], requestid: ['0'] });
  assert.deepEqual(decodeHeaderBlock(await inflater.inflate(second)), { streamtype: ['error'], port: ['8080'], requestid: ['1'] });
  await assert.rejects(inflater.inflate(Buffer.from('not zlib at all')), SpdyProtocolError);
  inflater.close();
  // A stream compressed with no dictionary where one is needed is refused, not misread.
  const wrong = deflateSync(headers(2), { dictionary: Buffer.from('some other dictionary') });
  const fresh = new HeaderInflater();
  await assert.rejects(fresh.inflate(wrong), SpdyProtocolError);
  fresh.close();
});
