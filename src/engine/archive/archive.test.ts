import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { importRootfs, openImageStore, type ImageStore } from '../image/index.js';
import { loadImages, saveImages } from './index.js';

interface Fixture { dir: string; store: ImageStore; id: string }

async function fixture(t: { after(fn: () => void): void }): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-archive-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const rootfs = join(dir, 'rootfs');
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  writeFileSync(join(rootfs, 'etc', 'motd'), 'hello from the archive\n');
  const store = openImageStore(join(dir, 'engine'));
  const image = await importRootfs(store, Readable.from([execFileSync('tar', ['-C', rootfs, '-cf', '-', '.'])]), { names: ['demo:1', 'localhost:5000/demo/two:2'], config: { Cmd: ['cat', '/etc/motd'] } });
  return { dir, store, id: image.id };
}

async function saveTo(store: ImageStore, refs: string[], format: 'docker-archive' | 'oci-archive', file: string): Promise<void> {
  await pipeline(await saveImages(store, refs, format), createWriteStream(file));
}

for (const format of ['docker-archive', 'oci-archive'] as const) {
  test(`${format}: save and load round trip keeps the image ID, names and content`, async (t) => {
    const { dir, store, id } = await fixture(t);
    const file = join(dir, `out-${format}.tar`);
    await saveTo(store, ['demo:1', 'localhost:5000/demo/two:2'], format, file);
    const fresh = openImageStore(join(dir, 'fresh'));
    const loaded = await loadImages(fresh, createReadStream(file));
    assert.equal(loaded.length, 1);
    assert.equal(loaded[0]!.image.id, id, 'the config bytes, hence the ID, are kept');
    assert.deepEqual(loaded[0]!.names.sort(), ['docker.io/library/demo:1', 'localhost:5000/demo/two:2']);
    const prepared = await fresh.prepare('localhost:5000/demo/two:2');
    assert.deepEqual(prepared.config.Cmd, ['cat', '/etc/motd']);
    assert.equal(readFileSync(join(prepared.lowerDirs[0]!, 'etc', 'motd'), 'utf8'), 'hello from the archive\n');
    // skopeo reads what we wrote.
    const selector = format === 'oci-archive' ? `${format}:${file}:localhost:5000/demo/two:2` : `${format}:${file}`;
    const inspected = JSON.parse(execFileSync('skopeo', ['inspect', selector], { encoding: 'utf8' })) as { Layers: string[]; Architecture: string };
    assert.equal(inspected.Layers.length, 1);
    assert.equal(inspected.Architecture, 'amd64');
  });
}

test('loads archives written by skopeo (docker-archive with legacy layer dirs and symlinks, oci-archive)', async (t) => {
  const { dir, store, id } = await fixture(t);
  const ours = join(dir, 'ours.tar');
  await saveTo(store, ['demo:1'], 'docker-archive', ours);
  const layout = join(dir, 'layout');
  execFileSync('skopeo', ['copy', '-q', `docker-archive:${ours}`, `oci:${layout}:x`]);
  const theirsDocker = join(dir, 'theirs-docker.tar');
  const theirsOci = join(dir, 'theirs-oci.tar');
  execFileSync('skopeo', ['copy', '-q', `oci:${layout}:x`, `docker-archive:${theirsDocker}:skopeo/made:v1`]);
  execFileSync('skopeo', ['copy', '-q', `oci:${layout}:x`, `oci-archive:${theirsOci}:quay.io/skopeo/made:v2`]);
  assert.match(execFileSync('tar', ['-tvf', theirsDocker], { encoding: 'utf8' }), /layer\.tar -> /, 'skopeo used a symlinked legacy layer');
  const fresh = openImageStore(join(dir, 'fresh'));
  const a = await loadImages(fresh, createReadStream(theirsDocker));
  assert.deepEqual(a.map((l) => l.names), [['docker.io/skopeo/made:v1']]);
  const b = await loadImages(fresh, createReadStream(theirsOci));
  assert.deepEqual(b.map((l) => l.names), [['quay.io/skopeo/made:v2']]);
  for (const ref of ['skopeo/made:v1', 'quay.io/skopeo/made:v2']) {
    const prepared = await fresh.prepare(ref);
    assert.equal(readFileSync(join(prepared.lowerDirs[0]!, 'etc', 'motd'), 'utf8'), 'hello from the archive\n', ref);
  }
  assert.equal(a[0]!.image.id.length, id.length);
});

test('a docker-archive whose layer does not match its diffID is refused', async (t) => {
  const { dir, store } = await fixture(t);
  const good = join(dir, 'good.tar');
  await saveTo(store, ['demo:1'], 'docker-archive', good);
  const unpacked = join(dir, 'x');
  mkdirSync(unpacked);
  execFileSync('tar', ['-C', unpacked, '-xf', good]);
  const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
  const layerFile = join(unpacked, manifest[0]!.Layers[0]!);
  const tampered = join(dir, 'rootfs2');
  mkdirSync(tampered);
  writeFileSync(join(tampered, 'evil'), 'x');
  writeFileSync(layerFile, execFileSync('tar', ['-C', tampered, '-cf', '-', '.']));
  const bad = join(dir, 'bad.tar');
  execFileSync('tar', ['-C', unpacked, '-cf', bad, '.']);
  await assert.rejects(loadImages(openImageStore(join(dir, 'fresh')), createReadStream(bad)), /config says sha256:/);
  await assert.rejects(loadImages(openImageStore(join(dir, 'fresh')), Readable.from([Buffer.alloc(1024)])), /not an image archive/);
});

test('podman loads what we save and we load what podman saves (both formats)', async (t) => {
  const { dir, store, id } = await fixture(t);
  // Podman needs lower ulimits here (HOST-NOTES.md) and gets its own throwaway storage.
  writeFileSync(join(dir, 'containers.conf'), '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n');
  const env = { ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf') };
  const podman = (...args: string[]): string => execFileSync('podman', ['--root', join(dir, 'pm-root'), '--runroot', join(dir, 'pm-run'), '--storage-driver', 'vfs', ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ours = join(dir, 'ours.tar');
  await saveTo(store, ['demo:1'], 'docker-archive', ours);
  assert.match(podman('load', '-i', ours), /Loaded image: .*demo:1/);
  assert.match(podman('images', '--no-trunc', '--format', '{{.ID}}'), new RegExp(id.slice(7)));
  for (const format of ['docker-archive', 'oci-archive']) {
    const theirs = join(dir, `podman-${format}.tar`);
    podman('save', '--format', format, '-o', theirs, 'demo:1');
    const fresh = openImageStore(join(dir, `fresh-${format}`));
    const loaded = await loadImages(fresh, createReadStream(theirs));
    assert.equal(loaded.length, 1, format);
    assert.equal(loaded[0]!.names.length, 1, format);
    const prepared = await fresh.prepare(loaded[0]!.names[0]!);
    assert.equal(readFileSync(join(prepared.lowerDirs[0]!, 'etc', 'motd'), 'utf8'), 'hello from the archive\n', format);
    if (format === 'docker-archive') assert.equal(loaded[0]!.image.id, id, 'podman keeps the config bytes in docker-archive');
  }
});
