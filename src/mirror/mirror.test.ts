import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { importRootfs, openImageStore, type ImageStore } from '../engine/image/index.js';
import { pullImage } from '../engine/registry/index.js';
import { parseReference } from '../engine/reference/index.js';
import { MirrorServer, findPeerWithImage, mirrorRepositoryPath, pullFromPeer, repositoryFromMirrorPath } from './index.js';

const exec = promisify(execFile);

interface Fixture { dir: string; source: ImageStore; server: MirrorServer; manifestDigest: string; imageId: string; host: string }

async function fixture(t: { after: (fn: () => Promise<void>) => void }, allow?: (addr: string) => boolean): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-mirror-'));
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'etc'), { recursive: true });
  writeFileSync(join(tree, 'etc', 'hello'), 'from the source node\n');
  const tar = execFileSync('tar', ['-C', tree, '-czf', '-', '.']);
  const source = openImageStore(join(dir, 'a'));
  const image = await importRootfs(source, Readable.from([tar]), { names: ['busybox:latest', '127.0.0.1:5999/team/app:v1'], config: { Cmd: ['sh'] } });
  const server = new MirrorServer({ store: source, ...(allow ? { allow } : {}) });
  await server.start();
  t.after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, source, server, manifestDigest: image.manifestDigest, imageId: image.id, host: `127.0.0.1:${server.port}` };
}

test('mirror paths carry the registry first; short names read as docker pull reads them', () => {
  assert.equal(mirrorRepositoryPath(parseReference('busybox')), 'docker.io/library/busybox');
  assert.equal(mirrorRepositoryPath(parseReference('127.0.0.1:5000/team/app:1')), '127.0.0.1__5000/team/app');
  assert.equal(repositoryFromMirrorPath('127.0.0.1__5000/team/app'), '127.0.0.1:5000/team/app');
  assert.equal(repositoryFromMirrorPath('docker.io/library/busybox'), 'docker.io/library/busybox');
  assert.equal(repositoryFromMirrorPath('busybox'), 'docker.io/library/busybox');
  assert.equal(repositoryFromMirrorPath('localhost/app'), 'localhost/app');
  assert.equal(repositoryFromMirrorPath('user/app'), 'docker.io/user/app');
});

test('the engine\'s registry client pulls through the mirror, by short name and by the registry-first path', async (t) => {
  const f = await fixture(t);
  const target = openImageStore(join(f.dir, 'b'));
  const short = await pullImage(target, `${f.host}/busybox:latest`);
  assert.equal(short.manifestDigest, f.manifestDigest);
  assert.equal(short.image.id, f.imageId);
  assert.ok(short.fetched.length >= 2, 'config and layer fetched');
  const ported = await pullImage(target, `${f.host}/127.0.0.1__5999/team/app:v1`);
  assert.equal(ported.manifestDigest, f.manifestDigest);
  // A layer read back from the target store is byte-identical (digests were verified on the way).
  const layer = f.source.readManifest(f.manifestDigest).then((m) => m.layers[0]?.digest ?? '');
  assert.ok(await target.content.has(await layer));
});

test('skopeo inspects an image on the mirror', async (t) => {
  const f = await fixture(t);
  const { stdout } = await exec('skopeo', ['inspect', '--tls-verify=false', `docker://${f.host}/busybox:latest`]);
  const info = JSON.parse(stdout) as { Digest?: string; RepoTags?: string[]; Layers?: string[] };
  assert.equal(info.Digest, f.manifestDigest);
  assert.deepEqual(info.RepoTags, ['latest']);
  assert.equal(info.Layers?.length, 1);
  const raw = await exec('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${f.host}/busybox@${f.manifestDigest}`]);
  assert.equal((JSON.parse(raw.stdout) as { schemaVersion?: number }).schemaVersion, 2);
});

test('read-only, unknown names and addresses not allowed are refused with registry errors', async (t) => {
  const f = await fixture(t);
  const url = `http://${f.host}`;
  assert.equal((await fetch(`${url}/v2/`)).status, 200);
  const put = await fetch(`${url}/v2/busybox/manifests/latest`, { method: 'PUT', body: '{}' });
  assert.equal(put.status, 405);
  const missing = await fetch(`${url}/v2/busybox/manifests/nope`);
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { errors: Array<{ code: string }> }).errors[0]?.code, 'MANIFEST_UNKNOWN');
  assert.equal((await fetch(`${url}/v2/busybox/blobs/sha256:${'0'.repeat(64)}`)).status, 404);
  const layer = (await f.source.readManifest(f.manifestDigest)).layers[0]?.digest ?? '';
  // A layer is a blob, not a manifest.
  assert.equal((await fetch(`${url}/v2/busybox/manifests/${layer}`)).status, 404);
  const head = await fetch(`${url}/v2/busybox/blobs/${layer}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('docker-content-digest'), layer);

  const closed = await fixture(t, () => false);
  const denied = await fetch(`http://${closed.host}/v2/busybox/manifests/latest`);
  assert.equal(denied.status, 403);
});

test('peers: the first mirror that has the image serves it, named as the original reference', async (t) => {
  const f = await fixture(t);
  const empty = openImageStore(join(f.dir, 'empty'));
  const emptyServer = new MirrorServer({ store: empty });
  await emptyServer.start();
  t.after(() => emptyServer.stop());
  // A peer that does not answer at all (a port nothing listens on).
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const deadPort = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const peers = [
    { name: 'dead', url: `http://127.0.0.1:${deadPort}` },
    { name: 'empty', url: emptyServer.url },
    { name: 'has-it', url: f.server.url },
  ];
  const hit = await findPeerWithImage(peers, 'busybox');
  assert.equal(hit?.peer.name, 'has-it');
  assert.equal(hit?.digest, f.manifestDigest);
  assert.equal(await findPeerWithImage(peers, 'busybox:other'), undefined);
  assert.equal(await findPeerWithImage(peers.slice(0, 2), 'busybox'), undefined);

  const target = openImageStore(join(f.dir, 'c'));
  const pulled = await pullFromPeer(target, 'busybox', hit!);
  assert.equal(pulled.manifestDigest, f.manifestDigest);
  assert.deepEqual(pulled.image.names, ['docker.io/library/busybox:latest']);
  const prepared = await target.prepare('busybox:latest');
  assert.equal(prepared.id, f.imageId);
  // By digest: only a peer announcing that very digest counts.
  assert.equal((await findPeerWithImage(peers, `busybox@${f.manifestDigest}`))?.peer.name, 'has-it');
});
