/**
 * The registry client against Debian's real docker-registry on loopback: push busybox, pull
 * it into an empty engine root and run it; skopeo reads what we pushed and pushes what we
 * pull (Docker v2s2 manifests, and an OCI index from which we pick linux/amd64); a push
 * mounts blobs from a sibling repository instead of uploading them again.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openImageStore } from '../../src/engine/image/index.js';
import { makeEngineFixture, runSkiff, type EngineFixture } from './engine-run-fixture.js';
import { startBreakingProxy, startRegistry, type RegistryProcess } from './registry-fixture.js';

const run = promisify(execFile);

describe('registry: push, pull, run, interop', () => {
  let fx: EngineFixture;
  let registry: RegistryProcess;
  const roots: string[] = [];
  let rootCount = 0;
  const emptyRoot = (): string => {
    const root = join(fx.dir, `pulled-${++rootCount}`);
    roots.push(root);
    return root;
  };

  before(async () => {
    fx = await makeEngineFixture('registry');
    registry = await startRegistry();
  });
  after(async () => {
    for (const root of roots) await runSkiff(root, ['rm', '-a', '-f']);
    await registry?.stop();
    await fx?.cleanup();
  });

  it('pushes busybox, pulls it into an empty root and runs it', async () => {
    const dest = `${registry.host}/library/busybox:latest`;
    const push = await fx.skiff(['push', 'busybox', dest]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stderr, /^Copying blob sha256:[0-9a-f]{64} done$/m);
    assert.match(push.stderr, /^Copying config sha256:[0-9a-f]{64} done$/m);
    assert.match(push.stderr, /^Writing manifest to image destination$/m);

    const again = await fx.skiff(['push', 'busybox', dest]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /^Copying blob sha256:[0-9a-f]{64} skipped: already exists$/m, 'a second push finds the blob by HEAD');

    const local = await openImageStore(fx.root).resolve('busybox');
    const root = emptyRoot();
    const pull = await runSkiff(root, ['pull', dest]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(pull.stdout.trim(), local.id.replace('sha256:', ''), 'pull prints the image ID');
    assert.match(pull.stderr, new RegExp(`^Trying to pull ${dest.replace(/[.]/g, '\\.')}\\.\\.\\.$`, 'm'));
    const pulled = await openImageStore(root).resolve(dest);
    assert.equal(pulled.manifestDigest, local.manifestDigest, 'the manifest travels byte for byte');

    const hi = await runSkiff(root, ['run', '--rm', dest, 'echo', 'hi']);
    assert.equal(hi.code, 0, hi.stderr);
    assert.equal(hi.stdout, 'hi\n');

    const repeat = await runSkiff(root, ['pull', dest]);
    assert.equal(repeat.code, 0, repeat.stderr);
    assert.match(repeat.stderr, /skipped: already exists/, 'blobs already stored are not fetched again');
  });

  it('pulls by digest, and refuses blobs whose content does not match their digest', async () => {
    const local = await openImageStore(fx.root).resolve('busybox');
    assert.equal((await fx.skiff(['push', '-q', 'busybox', `${registry.host}/bydigest/busybox:1`])).code, 0);
    const byDigest = `${registry.host}/bydigest/busybox@${local.manifestDigest}`;
    const root = emptyRoot();
    const pull = await runSkiff(root, ['pull', byDigest]);
    assert.equal(pull.code, 0, pull.stderr);
    const hi = await runSkiff(root, ['run', '--rm', byDigest, 'echo', 'by-digest']);
    assert.equal(hi.stdout, 'by-digest\n', hi.stderr);

    // Through a proxy that flips a byte of every blob: same length, wrong content.
    const proxy = await startBreakingProxy(registry.host, (method, path) => (method === 'GET' && path.includes('/blobs/sha256:') ? 'corrupt' : 'forward'));
    try {
      const badRoot = emptyRoot();
      const bad = await runSkiff(badRoot, ['pull', `${proxy.host}/bydigest/busybox:1`]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /fetching blob sha256:[0-9a-f]{64} from 127\.0\.0\.1:\d+\/bydigest\/busybox: digest mismatch/);
      const stored = await openImageStore(badRoot).content.list();
      assert.deepEqual(stored, [], 'nothing unverified was kept');
    } finally {
      await proxy.stop();
    }
  });

  it('a missing tag fails with the registry error', async () => {
    const res = await runSkiff(emptyRoot(), ['pull', `${registry.host}/library/busybox:nope`]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /reading manifest nope in 127\.0\.0\.1:\d+\/library\/busybox: manifest unknown/);
  });

  it('skopeo reads what we push, and we pull what skopeo pushes (Docker v2s2)', async () => {
    const dest = `${registry.host}/interop/busybox:latest`;
    assert.equal((await fx.skiff(['push', '-q', 'busybox', `docker://${dest}`])).code, 0);
    const ociDir = join(fx.dir, 'skopeo-oci');
    await run('skopeo', ['copy', '--src-tls-verify=false', `docker://${dest}`, `oci:${ociDir}:latest`]);
    const index = JSON.parse(await readFile(join(ociDir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const local = await openImageStore(fx.root).resolve('busybox');
    assert.equal(index.manifests[0]?.digest, local.manifestDigest, 'skopeo got our manifest unchanged');

    const archive = join(fx.dir, 'busybox-oci.tar');
    await run('skopeo', ['copy', `oci:${ociDir}:latest`, `oci-archive:${archive}:latest`]);
    const other = `${registry.host}/other:1`;
    await run('skopeo', ['copy', '--format', 'v2s2', '--dest-tls-verify=false', `oci-archive:${archive}:latest`, `docker://${other}`]);
    const root = emptyRoot();
    const pull = await runSkiff(root, ['pull', other]);
    assert.equal(pull.code, 0, pull.stderr);
    const pulled = await openImageStore(root).resolve(other);
    assert.equal(pulled.manifest.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(pulled.id, local.id, 'same config, so the same image ID');
    const hi = await runSkiff(root, ['run', '--rm', other, 'sh', '-c', 'echo from-skopeo']);
    assert.equal(hi.stdout, 'from-skopeo\n', hi.stderr);
  });

  it('picks linux/amd64 from an OCI index', async () => {
    // An index with an arm64 entry first (its manifest differs only by an annotation) and
    // the real amd64 busybox second: skopeo pushes all of it, we must take the amd64 one.
    const ociDir = join(fx.dir, 'index-oci');
    await run('skopeo', ['copy', '--src-tls-verify=false', `docker://${registry.host}/library/busybox:latest`, `oci:${ociDir}:one`]);
    const layout = JSON.parse(await readFile(join(ociDir, 'index.json'), 'utf8')) as { manifests: { digest: string; size: number; mediaType: string }[] };
    const amd64 = layout.manifests[0]!;
    const manifest = JSON.parse(await readFile(join(ociDir, 'blobs/sha256', amd64.digest.slice(7)), 'utf8')) as Record<string, unknown>;
    const armBytes = Buffer.from(JSON.stringify({ ...manifest, annotations: { 'test.platform': 'arm64' } }));
    const hash = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    await writeFile(join(ociDir, 'blobs/sha256', hash(armBytes)), armBytes);
    const indexBytes = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: amd64.mediaType, digest: `sha256:${hash(armBytes)}`, size: armBytes.length, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
        { mediaType: amd64.mediaType, digest: amd64.digest, size: amd64.size, platform: { architecture: 'amd64', os: 'linux' } },
      ],
    }));
    await writeFile(join(ociDir, 'blobs/sha256', hash(indexBytes)), indexBytes);
    await writeFile(join(ociDir, 'index.json'), JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${hash(indexBytes)}`, size: indexBytes.length, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }],
    }));
    const ref = `${registry.host}/multi/busybox:1`;
    await run('skopeo', ['copy', '--all', '--dest-tls-verify=false', `oci:${ociDir}:multi`, `docker://${ref}`]);

    const root = emptyRoot();
    const pull = await runSkiff(root, ['pull', ref]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal((await openImageStore(root).resolve(ref)).manifestDigest, amd64.digest);
    const armRoot = emptyRoot();
    const arm = await runSkiff(armRoot, ['pull', '--platform', 'linux/arm64', ref]);
    assert.equal(arm.code, 0, arm.stderr);
    assert.equal((await openImageStore(armRoot).resolve(ref)).manifestDigest, `sha256:${hash(armBytes)}`);
    const none = await runSkiff(emptyRoot(), ['pull', '--platform', 'linux/s390x', ref]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no image found in manifest list for architecture s390x, OS linux/);
  });

  it('mounts blobs from a repository it pulled from instead of uploading them', async () => {
    const first = `${registry.host}/team/one:1`;
    assert.equal((await fx.skiff(['push', '-q', 'busybox', first])).code, 0);
    const root = emptyRoot();
    assert.equal((await runSkiff(root, ['pull', '-q', first])).code, 0);
    const second = `${registry.host}/team/two:1`;
    const push = await runSkiff(root, ['push', first, second]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stderr, /^Copying blob sha256:[0-9a-f]{64} mounted from team\/one$/m);
    assert.match(push.stderr, /^Copying config sha256:[0-9a-f]{64} mounted from team\/one$/m);
    assert.doesNotMatch(push.stderr, / done$/m, 'nothing was uploaded');
    const check = await runSkiff(emptyRoot(), ['pull', second]);
    assert.equal(check.code, 0, check.stderr);
  });
});
