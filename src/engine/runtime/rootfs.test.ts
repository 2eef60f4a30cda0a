import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMounted, mountRootfs, unmountRootfs } from './rootfs.js';

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-rootfs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const inMountTable = (target: string): boolean => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === target);

test('an overlay rootfs on the host: mounted, seen as mounted without the mount table, and gone after unmount', async (t) => {
  const dir = scratch(t);
  const lower = join(dir, 'lower');
  mkdirSync(lower);
  writeFileSync(join(lower, 'from-image'), 'x');
  const spec = { lowerDirs: [lower], upperDir: join(dir, 'upper'), workDir: join(dir, 'work') };
  const target = join(dir, 'rootfs');
  t.after(() => unmountRootfs(target, spec));
  assert.equal(await isMounted(target, spec), false, 'no folder yet');
  await mountRootfs(spec, target);
  assert.equal(readFileSync(join(target, 'from-image'), 'utf8'), 'x');
  assert.equal(await isMounted(target, spec), true);
  assert.equal(inMountTable(target), true);
  await mountRootfs(spec, target);
  assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === target).length, 1, 'a second mount call does not stack another');
  await unmountRootfs(target, spec);
  assert.equal(await isMounted(target, spec), false);
  assert.equal(inMountTable(target), false);
});

test('an image without layers: the upper folder bind-mounted, told apart from the empty mount point by its inode', async (t) => {
  const dir = scratch(t);
  const spec = { lowerDirs: [], upperDir: join(dir, 'upper'), workDir: join(dir, 'work') };
  const target = join(dir, 'rootfs');
  t.after(() => unmountRootfs(target, spec));
  await mountRootfs(spec, target);
  assert.equal(await isMounted(target, spec), true, 'same file system, but the upper folder shows through');
  assert.equal(inMountTable(target), true);
  await unmountRootfs(target, spec);
  assert.equal(await isMounted(target, spec), false);
  assert.equal(inMountTable(target), false);
});
