/**
 * The runtime as a library (what the node agent will use), with a minimal ImageProvider
 * stand-in: a plain busybox rootfs folder as the only layer. Containers run under conmon in
 * a namespace made by the test; exec with captured output; logs read from logPath.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, copyFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ContainerRuntime, RuntimeError, containersUsingImage, readLog } from '../../src/engine/runtime/index.js';
import type { ImageProvider, PreparedImage } from '../../src/engine/types.js';
import { eventually, leftoverCgroups, mountsUnder } from './engine-run-fixture.js';

const run = promisify(execFile);
let dir: string;

/** This file's containers get their cgroups under a parent of its own (others' tests use `skiff`). */
const cgroupParent = `skiff-test-${randomBytes(4).toString('hex')}`;

/** Hierarchies where a parent cgroup of that name is still there. */
async function parentsLeft(parent: string): Promise<string[]> {
  const left: string[] = [];
  for (const h of await readdir('/sys/fs/cgroup')) {
    if (await readdir(join('/sys/fs/cgroup', h, parent)).then(() => true, () => false)) left.push(`${h}/${parent}`);
  }
  return left;
}
let rt: ContainerRuntime;

/** A busybox rootfs folder, served as image `bb` (anything else is unknown, as the store says). */
async function busyboxProvider(base: string): Promise<ImageProvider> {
  const layer = join(base, 'layer');
  await mkdir(join(layer, 'bin'), { recursive: true });
  await mkdir(join(layer, 'etc'), { recursive: true });
  await copyFile('/bin/busybox', join(layer, 'bin/busybox'));
  for (const applet of ['sh', 'echo', 'cat', 'sleep', 'nc', 'id', 'hostname', 'ip']) await symlink('busybox', join(layer, 'bin', applet));
  await writeFile(join(layer, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  await writeFile(join(layer, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  const image: PreparedImage = { id: 'sha256:' + 'b'.repeat(64), manifestDigest: 'sha256:' + 'c'.repeat(64), reference: 'localhost/bb:latest', config: { Cmd: ['sh'], Env: ['FROM_IMAGE=yes'] }, lowerDirs: [layer] };
  return {
    async prepare(reference: string): Promise<PreparedImage> {
      if (reference !== 'bb') throw Object.assign(new Error(`image not known: ${reference}`), { code: 'IMAGE_NOT_FOUND' });
      return image;
    },
  };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skiff-runtime-lib-'));
  rt = new ContainerRuntime(join(dir, 'engine'), { images: await busyboxProvider(dir), cgroupParent });
});

after(async () => {
  for (const r of await rt.list({ all: true })) await rt.remove(r.id, { force: true });
  for (const m of (await mountsUnder(dir)).reverse()) await run('umount', ['-l', m]).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

test('library: create, start under conmon, exec with captured output, logs, stop, remove', async () => {
  const created = await rt.create({ image: 'bb', name: 'lib1', cmd: ['sh', '-c', 'echo "env=$FROM_IMAGE"; while true; do sleep 0.1; done'] });
  assert.equal(created.state.status, 'created');
  const started = await rt.start('lib1');
  assert.equal(started.state.status, 'running');
  assert.ok(started.state.pid > 0);
  assert.deepEqual((await rt.list()).map((r) => r.name), ['lib1']);

  const out = join(dir, 'exec.out');
  const { openSync, closeSync } = await import('node:fs');
  const fd = openSync(out, 'w');
  const code = await rt.exec('lib1', { args: ['sh', '-c', 'id -u; exit 3'], user: 'nobody', stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  assert.equal(code, 3);
  assert.equal(await readFile(out, 'utf8'), '65534\n');

  const lines: string[] = [];
  assert.ok(await eventually(async () => {
    lines.length = 0;
    await readLog(await rt.logPath(created.id), { onEntry: (e) => lines.push(`${e.stream}:${e.text}`) });
    return lines.length > 0;
  }));
  assert.deepEqual(lines, ['stdout:env=yes\n']);

  assert.deepEqual(await containersUsingImage(rt.root, 'sha256:' + 'b'.repeat(64)), [created.id]);
  const stopped = await rt.stop('lib1', { timeoutSeconds: 0 });
  assert.equal(stopped.state.status, 'exited');
  assert.equal(stopped.state.exitCode, 137, 'sh as PID 1 ignores SIGTERM; the SIGKILL after the grace period ends it');
  await rt.remove('lib1');
  assert.deepEqual(await rt.list({ all: true }), []);
  assert.deepEqual(await mountsUnder(dir), []);
  assert.deepEqual(await leftoverCgroups([created.id]), []);
  // Nor the parent: the last container removed takes it.
  assert.ok((await parentsLeft(cgroupParent)).length === 0, `parent cgroups left: ${(await parentsLeft(cgroupParent)).join(', ')}`);
});

test('library: containers join an existing network namespace by path', async (t) => {
  const ns = `skiff-lib-${randomBytes(4).toString('hex')}`;
  await run('ip', ['netns', 'add', ns]);
  t.after(async () => { await run('ip', ['netns', 'delete', ns]); });
  await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  await run('ip', ['-n', ns, 'addr', 'add', '10.99.0.1/32', 'dev', 'lo']);
  const logPath = join(dir, 'pod-logs', 'c.log');
  const c = await rt.create({ image: 'bb', network: { kind: 'path', path: `/run/netns/${ns}` }, cmd: ['sh', '-c', 'ip -o addr show lo'], logPath });
  assert.equal(await rt.logPath(c.id), logPath);
  await rt.start(c.id);
  const done = await rt.wait(c.id);
  assert.equal(done.state.exitCode, 0);
  let text = '';
  await readLog(await rt.logPath(c.id), { onEntry: (e) => { text += e.text; } });
  assert.match(text, /10\.99\.0\.1/, 'the container saw the namespace the test made');
  await rt.remove(c.id);
});

test('library: unknown image and container are reported as such', async () => {
  await assert.rejects(rt.create({ image: 'nope' }), /image not known: nope/);
  await assert.rejects(rt.inspect('missing'), (err: unknown) => err instanceof RuntimeError && err.code === 'CONTAINER_NOT_FOUND');
});
