import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLayeredFile } from './layered-read.js';
import { resolveUserFromLayers } from './user.js';

function layers(t: { after(fn: () => void): void }, count: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-layered-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return Array.from({ length: count }, (_, i) => {
    const layer = join(dir, `l${i}`);
    mkdirSync(layer);
    return layer;
  });
}

function put(layer: string, path: string, text: string): void {
  mkdirSync(join(layer, path, '..'), { recursive: true });
  writeFileSync(join(layer, path), text);
}

test('layered read: the topmost copy wins; missing everywhere is absent', async (t) => {
  const [upper, top, bottom] = layers(t, 3) as [string, string, string];
  put(bottom, 'etc/passwd', 'bottom');
  assert.deepEqual(await readLayeredFile([upper, top, bottom], 'etc/passwd'), { text: 'bottom' });
  put(top, 'etc/passwd', 'top');
  assert.deepEqual(await readLayeredFile([upper, top, bottom], 'etc/passwd'), { text: 'top' });
  assert.equal(await readLayeredFile([upper, top, bottom], 'etc/group'), 'unknown', 'top has etc/ without the file: maybe opaque');
  assert.equal(await readLayeredFile([upper, bottom], 'etc/group'), 'absent', 'the bottom layer hides nothing');
  assert.equal(await readLayeredFile([upper], 'etc/passwd'), 'absent');
});

test('layered read: a whiteout hides, a symlink or a possibly opaque folder needs the mount', async (t) => {
  const [upper, lower] = layers(t, 2) as [string, string];
  put(lower, 'etc/passwd', 'lower');
  mkdirSync(join(upper, 'etc'));
  assert.equal(await readLayeredFile([upper, lower], 'etc/passwd'), 'unknown');
  execFileSync('mknod', [join(upper, 'etc', 'passwd'), 'c', '0', '0']);
  assert.equal(await readLayeredFile([upper, lower], 'etc/passwd'), 'absent');
  rmSync(join(upper, 'etc'), { recursive: true });
  mkdirSync(join(upper, 'etc'));
  symlinkSync('/elsewhere', join(upper, 'etc', 'passwd'));
  assert.equal(await readLayeredFile([upper, lower], 'etc/passwd'), 'unknown');
});

test('user from layers: names, groups and HOME as from the mounted rootfs; undefined when unsure', async (t) => {
  const [upper, image] = layers(t, 2) as [string, string];
  put(image, 'etc/passwd', 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
  put(image, 'etc/group', 'root:x:0:\napp:x:1000:\nextra:x:2000:app\n');
  assert.deepEqual(await resolveUserFromLayers([upper, image], 'app'), { uid: 1000, gid: 1000, additionalGids: [2000], home: '/home/app' });
  assert.deepEqual(await resolveUserFromLayers([upper, image], ''), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
  mkdirSync(join(upper, 'etc'));
  assert.equal(await resolveUserFromLayers([upper, image], 'app'), undefined);
});
