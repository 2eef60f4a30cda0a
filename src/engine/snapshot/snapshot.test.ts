import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarStream, readTar, type TarHeader } from '../util/index.js';
import { SnapshotStore, chainIds, LayerSecurityError, packDirectory } from './index.js';

type Entry = [Partial<TarHeader> & Pick<TarHeader, 'path' | 'type'>, string?];

function layer(entries: Entry[]): AsyncIterable<Buffer> {
  return tarStream(async (w) => {
    for (const [h, body] of entries) {
      await w.add({ mode: h.type === 'directory' ? 0o755 : 0o644, uid: 0, gid: 0, mtime: 1_600_000_000, size: body?.length ?? 0, ...h }, body !== undefined ? Buffer.from(body) : undefined);
    }
  });
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-snap-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const id = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;

test('chain IDs follow the OCI definition', () => {
  const [a, b] = chainIds([id(1), id(2)]);
  assert.equal(a, id(1));
  const expected = execFileSync('sh', ['-c', `printf '%s' "${id(1)} ${id(2)}" | sha256sum`], { encoding: 'utf8' }).split(' ')[0];
  assert.equal(b, `sha256:${expected}`);
});

test('unpacks ownership, modes, mtimes, links and devices', async (t) => {
  const store = new SnapshotStore(join(tempDir(t), 'snapshots'));
  const { path } = await store.unpack(id(1), layer([
    [{ path: 'bin', type: 'directory', mtime: 1_500_000_000 }],
    [{ path: 'bin/tool', type: 'file', mode: 0o4755, uid: 1000, gid: 100, mtime: 1_234_567_890 }, '#!/bin/sh\n'],
    [{ path: 'bin/again', type: 'hardlink', linkName: 'bin/tool' }],
    [{ path: 'bin/sh', type: 'symlink', linkName: 'tool', uid: 5, gid: 6 }],
    [{ path: 'dev/null', type: 'chardev', devMajor: 1, devMinor: 3, mode: 0o666 }],
    [{ path: 'dev/fifo', type: 'fifo', mode: 0o600 }],
  ]));
  const tool = lstatSync(join(path, 'bin/tool'));
  assert.equal(tool.mode & 0o7777, 0o4755);
  assert.equal(tool.uid, 1000);
  assert.equal(tool.gid, 100);
  assert.equal(tool.mtimeMs, 1_234_567_890_000);
  assert.equal(tool.nlink, 2, 'hardlink shares the inode');
  assert.equal(readFileSync(join(path, 'bin/again'), 'utf8'), '#!/bin/sh\n');
  assert.equal(readlinkSync(join(path, 'bin/sh')), 'tool');
  assert.equal(lstatSync(join(path, 'bin/sh')).uid, 5);
  assert.equal(lstatSync(join(path, 'bin')).mtimeMs, 1_500_000_000_000, 'directory mtime set after its children');
  const devNull = lstatSync(join(path, 'dev/null'));
  assert.ok(devNull.isCharacterDevice());
  assert.equal(devNull.rdev, 0x103);
  assert.ok(lstatSync(join(path, 'dev/fifo')).isFIFO());
  assert.deepEqual(await store.list(), [id(1)]);
});

test('refuses entries that escape the layer root (tar slip) and leaves nothing behind', async (t) => {
  const dir = tempDir(t);
  const store = new SnapshotStore(join(dir, 'snapshots'));
  const outside = join(dir, 'outside');
  mkdirSync(outside);
  const attacks: Array<[string, Entry[], RegExp]> = [
    ['dot-dot', [[{ path: '../../evil', type: 'file' }, 'x']], /"\.\." escapes/],
    ['absolute', [[{ path: '/etc/evil', type: 'file' }, 'x']], /absolute path/],
    ['symlink parent', [[{ path: 'esc', type: 'symlink', linkName: outside }], [{ path: 'esc/evil', type: 'file' }, 'x']], /parent "esc" is a symlink/],
    ['hardlink out', [[{ path: 'h', type: 'hardlink', linkName: '../../../etc/passwd' }]], /"\.\." escapes/],
    ['hardlink via symlink', [[{ path: 'esc', type: 'symlink', linkName: '/etc' }], [{ path: 'h', type: 'hardlink', linkName: 'esc/passwd' }]], /symlink/],
  ];
  for (const [name, entries, why] of attacks) {
    await assert.rejects(store.unpack(id(2), layer(entries)), (err: unknown) => err instanceof LayerSecurityError && why.test(err.message), name);
  }
  assert.deepEqual(readdirSync(outside), [], 'nothing was written outside');
  assert.deepEqual(readdirSync(join(dir, 'snapshots')), [], 'no snapshot or temp dir is left');
});

test('whiteouts both ways: unpacked layers hide lower files under overlayfs, and an upper dir diffs back to .wh. entries', async (t) => {
  const dir = tempDir(t);
  const store = new SnapshotStore(join(dir, 'snapshots'));
  const [c1, c2] = chainIds([id(1), id(2)]);
  const lower = (await store.unpack(c1!, layer([
    [{ path: 'keep', type: 'file' }, 'keep'],
    [{ path: 'gone', type: 'file' }, 'gone'],
    [{ path: 'd', type: 'directory' }],
    [{ path: 'd/old', type: 'file' }, 'old'],
  ]))).path;
  const upperLayer = (await store.unpack(c2!, layer([
    [{ path: '.wh.gone', type: 'file' }, ''],
    [{ path: 'd', type: 'directory' }],
    [{ path: 'd/.wh..wh..opq', type: 'file' }, ''],
    [{ path: 'd/new', type: 'file' }, 'new'],
  ]), [lower])).path;
  const wh = lstatSync(join(upperLayer, 'gone'));
  assert.ok(wh.isCharacterDevice() && wh.rdev === 0, '.wh.gone became a 0:0 char device');
  assert.equal(execFileSync('getfattr', ['--absolute-names', '--only-values', '-n', 'trusted.overlay.opaque', join(upperLayer, 'd')], { encoding: 'utf8' }), 'y');

  const merged = join(dir, 'merged'); const upper = join(dir, 'upper'); const work = join(dir, 'work');
  for (const p of [merged, upper, work]) mkdirSync(p);
  const mountOverlay = (): void => { execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${upperLayer}:${lower},upperdir=${upper},workdir=${work}`, merged]); };
  mountOverlay();
  try {
    assert.equal(existsSync(join(merged, 'gone')), false, 'whited-out file is gone');
    assert.deepEqual(readdirSync(join(merged, 'd')), ['new'], 'opaque dir hides the lower d/old');
    assert.equal(readFileSync(join(merged, 'keep'), 'utf8'), 'keep');

    // A container's changes: delete a lower file, replace a dir wholesale, add a file.
    unlinkSync(join(merged, 'keep'));
    rmSync(join(merged, 'd'), { recursive: true });
    mkdirSync(join(merged, 'd'));
    writeFileSync(join(merged, 'd', 'fresh'), 'fresh');
    writeFileSync(join(merged, 'added'), 'added');
  } finally {
    execFileSync('umount', [merged]);
  }

  const names: string[] = [];
  for await (const e of readTar(packDirectory(upper, { overlay: true }))) names.push(`${e.type}:${e.path}`);
  // Sorted by the names on disk, so the whiteout for keep comes where keep would.
  assert.deepEqual(names, ['file:added', 'directory:d', 'file:d/.wh..wh..opq', 'file:d/fresh', 'file:.wh.keep']);
  const again: string[] = [];
  for await (const e of readTar(packDirectory(upper, { overlay: true }))) again.push(`${e.type}:${e.path}:${e.mtime}`);
  assert.equal(again.length, names.length, 'packing is repeatable');
});

test('a parent dir missing from a layer tar takes its owner and mode from the lower layer', async (t) => {
  const store = new SnapshotStore(join(tempDir(t), 'snapshots'));
  const [c1, c2] = chainIds([id(3), id(4)]);
  const lower = (await store.unpack(c1!, layer([
    [{ path: 'home', type: 'directory' }],
    [{ path: 'home/u', type: 'directory', uid: 1000, gid: 1000, mode: 0o700 }],
  ]))).path;
  const upper = (await store.unpack(c2!, layer([[{ path: 'home/u/new', type: 'file', uid: 1000 }, 'x']]), [lower])).path;
  const st = lstatSync(join(upper, 'home', 'u'));
  assert.equal(st.uid, 1000);
  assert.equal(st.mode & 0o7777, 0o700);
  assert.equal(lstatSync(join(upper, 'home')).mode & 0o7777, 0o755);
});
