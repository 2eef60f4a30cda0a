import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { ContentStore, DigestMismatchError, BlobNotFoundError, sha256Digest, storeLayer } from './index.js';

function tempStore(t: { after(fn: () => void): void }): ContentStore {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-content-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return new ContentStore(join(dir, 'content'));
}

test('stores blobs by digest in an OCI layout and reads them back verified', async (t) => {
  const store = tempStore(t);
  const { digest, size } = await store.put('{"a":1}');
  assert.equal(digest, sha256Digest('{"a":1}'));
  assert.equal(size, 7);
  assert.deepEqual(await store.getJson(digest), { a: 1 });
  assert.deepEqual(JSON.parse(readFileSync(join(store.dir, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
  assert.equal(JSON.parse(readFileSync(join(store.dir, 'index.json'), 'utf8')).schemaVersion, 2);
  assert.deepEqual(await store.list(), [digest]);
  await assert.rejects(store.get(sha256Digest('nope')), BlobNotFoundError);
});

test('a corrupted blob is an error naming it, on whole and streamed reads', async (t) => {
  const store = tempStore(t);
  const { digest } = await store.put(Buffer.alloc(5000, 1));
  writeFileSync(store.blobPath(digest), Buffer.alloc(5000, 2));
  await assert.rejects(store.get(digest), (err: unknown) => err instanceof DigestMismatchError && err.message.includes(digest));
  await assert.rejects(async () => { for await (const c of store.read(digest)) void c; }, (err: unknown) => err instanceof DigestMismatchError && err.message.includes(digest));
});

test('a streamed write with the wrong digest or size stores nothing', async (t) => {
  const store = tempStore(t);
  const wrong = sha256Digest('other');
  await assert.rejects(store.ingest(Readable.from([Buffer.from('data')]), { digest: wrong }), DigestMismatchError);
  await assert.rejects(store.ingest(Readable.from([Buffer.from('data')]), { size: 99 }), /size mismatch/);
  await assert.rejects(store.put('data', wrong), DigestMismatchError);
  assert.deepEqual(await store.list(), []);
  assert.deepEqual(readdirSync(join(store.dir, 'ingest')), [], 'no temp file is left behind');
  const ok = await store.ingest(Readable.from([Buffer.from('da'), Buffer.from('ta')]), { digest: sha256Digest('data'), size: 4 });
  assert.equal(ok.digest, sha256Digest('data'));
});

test('layers are gzipped when stored, with the diffID of the uncompressed tar', async (t) => {
  const store = tempStore(t);
  const tar = Buffer.alloc(10240, 0);
  tar.write('hello', 0);
  const layer = await storeLayer(store, Readable.from([tar]));
  assert.equal(layer.diffId, sha256Digest(tar));
  assert.equal(layer.uncompressedSize, tar.length);
  assert.equal(layer.descriptor.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
  const blob = await store.get(layer.descriptor.digest);
  assert.equal(blob.length, layer.descriptor.size);
  assert.deepEqual(gunzipSync(blob), tar);
});
