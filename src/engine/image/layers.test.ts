import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MediaType, type ImageConfig, type ImageManifest } from '../content/index.js';
import { diffDirectory, layerFromDirectory } from '../snapshot/index.js';
import { importRootfs, openImageStore } from './index.js';

function withOverlay(lowerDirs: readonly string[], dir: string, fn: (merged: string) => void, cwd?: string): { upper: string } {
  const merged = join(dir, 'merged'); const upper = join(dir, 'upper'); const work = join(dir, 'work');
  for (const p of [merged, upper, work]) mkdirSync(p, { recursive: true });
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lowerDirs.join(':')},upperdir=${upper},workdir=${work}`, merged], cwd ? { cwd } : {});
  try {
    fn(merged);
  } finally {
    execFileSync('umount', [merged]);
  }
  return { upper };
}

test('a container upper dir and a COPY folder become layers of a new image (Docker media types) that unpacks and mounts right', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-layers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const rootfs = join(dir, 'rootfs');
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  mkdirSync(join(rootfs, 'd'));
  writeFileSync(join(rootfs, 'etc', 'motd'), 'motd\n');
  writeFileSync(join(rootfs, 'd', 'old'), 'old\n');
  const store = openImageStore(join(dir, 'engine'));
  const base = await importRootfs(store, Readable.from([execFileSync('tar', ['-C', rootfs, '-cf', '-', '.'])]), { names: ['base'] });
  const prepared = await store.prepare('base');

  // What a RUN step does: change things in a container, then diff its upper dir.
  const { upper } = withOverlay(prepared.lowerDirs, join(dir, 'run'), (merged) => {
    unlinkSync(join(merged, 'etc', 'motd'));
    rmSync(join(merged, 'd'), { recursive: true });
    mkdirSync(join(merged, 'd'));
    writeFileSync(join(merged, 'd', 'new'), 'new\n');
  });
  const runLayer = await diffDirectory(upper, store.content);
  // What COPY --chown=1000:1000 src /app does.
  const src = join(dir, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'main.sh'), 'echo app\n', { mode: 0o755 });
  const copyLayer = await layerFromDirectory(src, store.content, { prefix: '/app', owner: { uid: 1000, gid: 1000 } });

  const config: ImageConfig = {
    ...base.config,
    config: { Cmd: ['/app/main.sh'], WorkingDir: '/app' },
    rootfs: { type: 'layers', diff_ids: [...base.config.rootfs.diff_ids, runLayer.diffId, copyLayer.diffId] },
  };
  const configBlob = await store.content.put(JSON.stringify(config));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: { mediaType: MediaType.dockerConfig, digest: configBlob.digest, size: configBlob.size },
    layers: [...base.manifest.layers, runLayer.descriptor, copyLayer.descriptor].map((l) => ({ ...l, mediaType: MediaType.dockerLayerGzip })),
  };
  const manifestBlob = await store.content.put(JSON.stringify(manifest));
  await store.setNames(manifestBlob.digest, ['app:v1']);

  const image = await store.prepare('app:v1');
  assert.equal(image.lowerDirs.length, 3);
  assert.equal(image.lowerDirs[2], prepared.lowerDirs[0], 'the base layer snapshot is shared');
  assert.deepEqual(image.config.Cmd, ['/app/main.sh']);
  // Mounted through the short relative links, as a deep image must be.
  assert.deepEqual(image.shortLowerDirs?.dirs.map((d) => realpathSync(join(image.shortLowerDirs!.cwd, d))), image.lowerDirs);
  withOverlay(image.shortLowerDirs!.dirs, join(dir, 'check'), (merged) => {
    assert.equal(existsSync(join(merged, 'etc', 'motd')), false, 'deleted in RUN');
    assert.deepEqual(readdirSync(join(merged, 'd')), ['new'], 'replaced dir is opaque');
    const app = lstatSync(join(merged, 'app', 'main.sh'));
    assert.equal(app.uid, 1000);
    assert.equal(app.mode & 0o777, 0o755);
    assert.equal(readFileSync(join(merged, 'app', 'main.sh'), 'utf8'), 'echo app\n');
  }, image.shortLowerDirs!.cwd);
  assert.equal(runLayer.diffId, (await diffDirectory(upper, store.content)).diffId, 'diffing the same upper dir twice gives the same layer');
});
