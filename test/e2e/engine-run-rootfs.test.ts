/**
 * The run path's rootfs with runc: the overlay is mounted by runc inside the container's
 * mount namespace (an OCI mount over "/"), so the host never holds the mount, nothing is
 * left to unmount, and the container still sees its image and writes into its upper dir.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { containerIds, eventually, leftoverCgroups, makeEngineFixture, mountsUnder } from './engine-run-fixture.js';
import type { EngineFixture } from './engine-run-fixture.js';

let fx: EngineFixture;
before(async () => { fx = await makeEngineFixture('rootfs'); });
after(async () => { await fx?.cleanup(); });

test('runc mounts the rootfs inside the container: no host mount, writes land in the upper dir', async () => {
  const started = await fx.skiff(['run', '-d', '--name', 'inner', 'busybox', 'sleep', '30']);
  assert.equal(started.code, 0, started.stderr);
  const id = started.stdout.trim();
  assert.deepEqual(await mountsUnder(fx.root), [], 'nothing mounted on the host while it runs');
  const seen = await fx.skiff(['exec', 'inner', 'sh', '-c', 'grep " / overlay " /proc/self/mounts | head -1; touch /made-here']);
  assert.equal(seen.code, 0, seen.stderr);
  assert.match(seen.stdout, new RegExp(`^overlay / overlay .*upperdir=${join(fx.root, 'containers', id, 'upper')}`));
  await access(join(fx.root, 'containers', id, 'upper', 'made-here'));
  const user = await fx.skiff(['exec', '-u', 'nobody', 'inner', 'id', '-u']);
  assert.equal(user.stdout, '65534\n', 'exec resolves users through the container root');
  assert.equal((await fx.skiff(['rm', '-f', 'inner'])).code, 0);
  assert.deepEqual(await containerIds(fx.root), []);
  assert.deepEqual(await leftoverCgroups([id]), []);
});

test('run --rm: users from the image layers, exit code kept, nothing left behind', async () => {
  const r = await fx.skiff(['run', '--rm', '-u', 'nobody', 'busybox', 'sh', '-c', 'id -u; echo $HOME; exit 4']);
  assert.equal(r.code, 4, r.stderr);
  assert.equal(r.stdout, '65534\n/nonexistent\n', 'uid and HOME from the image passwd');
  assert.deepEqual(await containerIds(fx.root), []);
  assert.deepEqual(await mountsUnder(fx.root), []);
});

test('a restart, whose upper dir now has etc/ (maybe opaque), mounts on the host as before and unmounts at exit', async () => {
  const first = await fx.skiff(['run', '--name', 'again', '-u', 'nobody', 'busybox', 'sh', '-c', 'id -u']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, '65534\n');
  assert.equal((await fx.skiff(['start', 'again'])).code, 0);
  assert.ok(await eventually(async () => (await fx.skiff(['logs', 'again'])).stdout === '65534\n65534\n'), 'the restart ran as the same user');
  assert.ok(await eventually(async () => (await fx.skiff(['ps', '-a'])).stdout.includes('Exited (0)')));
  assert.deepEqual(await mountsUnder(fx.root), []);
  assert.equal((await fx.skiff(['rm', 'again'])).code, 0);
});
