import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openImageStore, importRootfs, ImageNotFoundError, ImageConflictError, type ImageStore } from './index.js';
import { DigestMismatchError } from '../content/index.js';

function setup(t: { after(fn: () => void): void }): { dir: string; store: ImageStore; rootfsTar: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-image-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const rootfs = join(dir, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  mkdirSync(join(rootfs, 'etc'));
  writeFileSync(join(rootfs, 'etc', 'hostname'), 'box\n');
  writeFileSync(join(rootfs, 'bin', 'hello'), '#!/bin/sh\necho hello\n', { mode: 0o755 });
  symlinkSync('hello', join(rootfs, 'bin', 'hi'));
  const rootfsTar = execFileSync('tar', ['-C', rootfs, '-czf', '-', '.']);
  return { dir, store: openImageStore(join(dir, 'engine')), rootfsTar };
}

test('import makes a one-layer image that resolves by name, ID and ID prefix and unpacks', async (t) => {
  const { store, rootfsTar } = setup(t);
  const image = await importRootfs(store, Readable.from([rootfsTar]), { names: ['busybox'], source: 'import test.tar', config: { Cmd: ['/bin/hello'] } });
  assert.deepEqual(image.names, ['docker.io/library/busybox:latest']);
  assert.equal(image.config.rootfs.diff_ids.length, 1);
  assert.equal(image.manifest.layers[0]!.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
  for (const ref of ['busybox', 'busybox:latest', 'docker.io/library/busybox:latest', image.id, image.id.slice(7, 19), image.id.slice(7, 10), `busybox@${image.manifestDigest}`]) {
    assert.equal((await store.resolve(ref)).id, image.id, ref);
  }
  await assert.rejects(store.resolve('busybox:other'), (err: unknown) => err instanceof ImageNotFoundError && err.message === 'image not known: busybox:other');
  const prepared = await store.prepare('busybox');
  assert.equal(prepared.id, image.id);
  assert.equal(prepared.reference, 'docker.io/library/busybox:latest');
  assert.deepEqual(prepared.config.Cmd, ['/bin/hello']);
  assert.equal(prepared.lowerDirs.length, 1);
  assert.equal(readFileSync(join(prepared.lowerDirs[0]!, 'bin', 'hello'), 'utf8'), '#!/bin/sh\necho hello\n');
  const index = JSON.parse(readFileSync(join(store.root, 'content', 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations: Record<string, string> }> };
  assert.equal(index.manifests[0]!.digest, image.manifestDigest);
  assert.equal(index.manifests[0]!.annotations['io.containerd.image.name'], 'docker.io/library/busybox:latest');
  // umoci reads our layout as a valid OCI image layout.
  const listed = execFileSync('umoci', ['ls', '--layout', join(store.root, 'content')], { encoding: 'utf8' });
  assert.match(listed, /latest/);
});

test('tag, untag, rmi and garbage collection behave as in Docker', async (t) => {
  const { store, rootfsTar } = setup(t);
  const image = await importRootfs(store, Readable.from([rootfsTar]), { names: ['one:1'] });
  await store.prepare('one:1');
  await store.tag('one:1', 'localhost:5000/two:2');
  assert.deepEqual((await store.resolve('localhost:5000/two:2')).names.sort(), ['docker.io/library/one:1', 'localhost:5000/two:2']);
  await assert.rejects(store.remove(image.id.slice(7, 19)), ImageConflictError, 'ID with two names needs force');
  assert.deepEqual(await store.remove('one:1'), { untagged: ['docker.io/library/one:1'], deleted: [] });
  assert.equal((await store.content.list()).length, 3, 'manifest, config and layer are kept');
  const result = await store.remove('localhost:5000/two:2');
  assert.deepEqual(result, { untagged: ['localhost:5000/two:2'], deleted: [image.id] });
  assert.deepEqual(await store.content.list(), [], 'blobs are collected');
  assert.deepEqual(await store.snapshots.list(), [], 'snapshots are collected');
  assert.deepEqual(await store.list(), []);
});

test('a moved tag leaves the old image dangling until pruned', async (t) => {
  const { store, rootfsTar } = setup(t);
  const first = await importRootfs(store, Readable.from([rootfsTar]), { names: ['app'], created: '2020-01-01T00:00:00Z' });
  const second = await importRootfs(store, Readable.from([rootfsTar]), { names: ['app'], created: '2021-01-01T00:00:00Z' });
  assert.notEqual(first.id, second.id);
  const images = await store.list();
  assert.deepEqual(images.map((i) => [i.id, i.names]), [[second.id, ['docker.io/library/app:latest']], [first.id, []]]);
  await store.remove(first.id);
  assert.deepEqual((await store.list()).map((i) => i.id), [second.id]);
  assert.equal(await store.content.has(second.manifest.layers[0]!.digest), true, 'shared layer survives');
});

test('a corrupted layer blob fails prepare by name and leaves no snapshot', async (t) => {
  const { store, rootfsTar } = setup(t);
  const image = await importRootfs(store, Readable.from([rootfsTar]), { names: ['bad'] });
  const layer = image.manifest.layers[0]!.digest;
  const path = store.content.blobPath(layer);
  const bytes = readFileSync(path);
  writeFileSync(path, Buffer.concat([bytes, Buffer.alloc(1024)])); // trailing bytes: the tar still unpacks, only the digest can tell
  await assert.rejects(store.prepare('bad'), (err: unknown) => err instanceof DigestMismatchError && err.message.includes(layer));
  bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0xff;
  writeFileSync(path, bytes);
  await assert.rejects(store.prepare('bad'), (err: unknown) => err instanceof Error && err.message.includes(layer));
  assert.deepEqual(existsSync(store.snapshots.dir) ? readdirSync(store.snapshots.dir) : [], []);
});

test('an image a container uses is not removed; forced, only its names go', async (t) => {
  const { dir, rootfsTar } = setup(t);
  const users = new Map<string, string[]>();
  const store = openImageStore(join(dir, 'engine'), { containersUsing: async (id) => users.get(id) ?? [] });
  const image = await importRootfs(store, Readable.from([rootfsTar]), { names: ['busy'] });
  await store.prepare('busy');
  users.set(image.id, ['c0ffee0123456789']);
  await assert.rejects(store.remove('busy'), /unable to remove repository reference "busy:latest" \(must force\) - container c0ffee012345 is using/);
  assert.deepEqual(await store.remove('busy', { force: true }), { untagged: ['docker.io/library/busy:latest'], deleted: [] });
  const left = await store.list();
  assert.deepEqual(left.map((i) => [i.id, i.names]), [[image.id, []]], 'kept as dangling');
  assert.equal((await store.snapshots.list()).length, 1, 'its snapshot stays for the container');
  users.clear();
  assert.deepEqual((await store.remove(image.id)).deleted, [image.id]);
  assert.deepEqual(await store.snapshots.list(), []);
});

test('parallel prepares of one image unpack each layer once and agree', async (t) => {
  const { store, rootfsTar } = setup(t);
  await importRootfs(store, Readable.from([rootfsTar]), { names: ['par'] });
  const results = await Promise.all([store.prepare('par'), store.prepare('par'), store.prepare('par')]);
  assert.equal(new Set(results.map((r) => r.lowerDirs[0])).size, 1);
  assert.equal(readFileSync(join(results[0]!.lowerDirs[0]!, 'etc', 'hostname'), 'utf8'), 'box\n');
  assert.deepEqual(readdirSync(store.snapshots.dir).filter((n) => n.startsWith('.tmp-')), [], 'losers cleaned up their temp dirs');
  // A temp dir abandoned by a crashed process long ago is collected; a young one is not.
  const old = join(store.snapshots.dir, '.tmp-999-dead');
  const young = join(store.snapshots.dir, '.tmp-998-busy');
  mkdirSync(old); mkdirSync(young);
  const longAgo = new Date(Date.now() - 2 * 3_600_000);
  utimesSync(old, longAgo, longAgo);
  await store.gc();
  assert.equal(existsSync(old), false);
  assert.equal(existsSync(young), true);
});

test('gc keeps young orphans (a build may be about to name them) and collects old ones', async (t) => {
  const { store } = setup(t);
  const orphan = await store.content.put('{"orphan":true}');
  const chain = `sha256:${'e'.repeat(64)}`;
  await store.snapshots.unpack(chain, Readable.from([Buffer.alloc(1024)]));
  assert.deepEqual(await store.gc(), { blobsRemoved: 0, bytesFreed: 0, snapshotsRemoved: 0 });
  assert.deepEqual(await store.gc({ graceMs: 0 }), { blobsRemoved: 1, bytesFreed: orphan.size, snapshotsRemoved: 1 });
  assert.equal(await store.content.has(orphan.digest), false);
  assert.deepEqual(await store.snapshots.list(), []);
});
