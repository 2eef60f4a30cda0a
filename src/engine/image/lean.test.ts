import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { cachedImageProvider, importRootfs, leanImageProvider, openImageStore, preparedFromDisk } from './index.js';

function tarOf(dir: string, files: Record<string, string>): Buffer {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return execFileSync('tar', ['-C', dir, '-czf', '-', '.']);
}

test('lean prepare: same answer as the store for an unpacked image, nothing for anything else', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-lean-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'engine');
  const store = openImageStore(root);
  await importRootfs(store, Readable.from([tarOf(join(dir, 'rootfs'), { 'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n' })]), { names: ['bb'], config: { Cmd: ['sh'] } });

  assert.equal(await preparedFromDisk(root, 'bb'), undefined, 'not unpacked yet: the store has to do it');
  const provider = leanImageProvider(root);
  const first = await provider.prepare('bb');
  assert.deepEqual(await preparedFromDisk(root, 'bb'), first, 'now unpacked: read from disk, equal to the store');
  assert.deepEqual(await preparedFromDisk(root, 'docker.io/library/bb:latest'), first);
  assert.deepEqual(first.config.Cmd, ['sh']);

  assert.equal(await preparedFromDisk(root, first.id), undefined, 'IDs go to the store');
  assert.equal((await provider.prepare(first.id.slice(7, 19))).id, first.id);
  assert.equal(await preparedFromDisk(root, `bb@${first.manifestDigest}`), undefined, 'digests go to the store');
  assert.equal(await preparedFromDisk(root, 'other'), undefined);
  await assert.rejects(provider.prepare('other'), /image not known: other/);

  // A blob that no longer matches its digest is never used; the store reports it.
  const configPath = join(root, 'content', 'blobs', 'sha256', first.id.slice(7));
  writeFileSync(configPath, '{"rootfs":{"diff_ids":[]}}');
  assert.equal(await preparedFromDisk(root, 'bb'), undefined);
  await assert.rejects(leanImageProvider(root).prepare('bb'), /digest|sha256/i);
});

test('lean prepare: several layers, top first, with the short paths the store gives', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-lean-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'engine');
  const store = openImageStore(root);
  const base = await importRootfs(store, Readable.from([tarOf(join(dir, 'a'), { 'a.txt': 'a' })]), { names: ['base'] });
  const top = await importRootfs(store, Readable.from([tarOf(join(dir, 'b'), { 'b.txt': 'b' })]), { names: ['top'] });
  // Stack the second import's layer on the first as a two-layer image.
  const two = await store.createImage({
    config: { ...top.config, rootfs: { type: 'layers', diff_ids: [...base.config.rootfs.diff_ids, ...top.config.rootfs.diff_ids] } },
    layers: [...base.manifest.layers, ...top.manifest.layers],
    names: ['two'],
  });
  const fromStore = await store.prepare('two');
  assert.equal(fromStore.lowerDirs.length, 2);
  const lean = await preparedFromDisk(root, 'two');
  assert.deepEqual(lean, fromStore);
  assert.equal(lean?.id, two.id);
});

test('cached image provider: one answer while the name table is unchanged, a new one after it changes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-lean-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'engine');
  const store = openImageStore(root);
  await importRootfs(store, Readable.from([tarOf(join(dir, 'a'), { 'a.txt': 'a' })]), { names: ['cached'], config: { Cmd: ['one'] } });
  const cached = cachedImageProvider(root);
  const first = await cached.prepare('cached');
  assert.deepEqual(first.config.Cmd, ['one']);
  // A blob changed behind its back is not read again while the table stays: the kept answer.
  const configPath = join(root, 'content', 'blobs', 'sha256', first.id.slice(7));
  const good = readFileSync(configPath);
  writeFileSync(configPath, '{"rootfs":{"diff_ids":[]}}');
  const again = await cached.prepare('cached');
  assert.deepEqual(again, first);
  (again.lowerDirs as string[]).push('/changed-by-a-caller');
  assert.equal((await cached.prepare('cached')).lowerDirs.length, first.lowerDirs.length, 'each caller gets its own copy');
  writeFileSync(configPath, good);
  // Another image under the same name rewrites the table: the next answer is the new image.
  const second = await importRootfs(store, Readable.from([tarOf(join(dir, 'b'), { 'b.txt': 'b' })]), { names: ['cached'], config: { Cmd: ['two'] } });
  const fresh = await cached.prepare('cached');
  assert.equal(fresh.id, second.id);
  assert.deepEqual(fresh.config.Cmd, ['two']);
});
