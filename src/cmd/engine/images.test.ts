import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { openImageStore } from '../../engine/image/index.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = join(repo, 'bin', 'skiff');

function skiff(root: string, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args, '--root', root], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function withBusybox(t: { after(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'skiff-cmd-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  execFileSync(join(repo, 'scripts', 'make-busybox-image.sh'), ['--root', root], { cwd: repo, encoding: 'utf8' });
  return root;
}

test('make-busybox-image.sh makes busybox:latest once, with applets, passwd and CMD sh', async (t) => {
  const root = withBusybox(t);
  const again = execFileSync(join(repo, 'scripts', 'make-busybox-image.sh'), ['--root', root], { cwd: repo, encoding: 'utf8' });
  assert.match(again, /already exists/);
  const images = skiff(root, 'images');
  assert.equal(images.code, 0);
  const lines = images.out.trimEnd().split('\n');
  assert.match(lines[0]!, /^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$/);
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /^busybox +latest +[0-9a-f]{12} +(Less than a second|1 second|\d+ seconds|About a minute) ago +\d+(\.\d+)?[kM]B$/);
  const history = skiff(root, 'history', 'busybox');
  assert.match(history.out, /^IMAGE +CREATED +CREATED BY +SIZE +COMMENT\n[0-9a-f]{12} .* busybox from Debian busybox-static\n$/);
  const image = await openImageStore(root).prepare('busybox');
  assert.deepEqual(image.config.Cmd, ['sh']);
  const fs = image.lowerDirs[0]!;
  assert.equal(lstatSync(fs).mode & 0o7777, 0o755, 'the image root is world-traversable');
  assert.equal(lstatSync(join(fs, 'tmp')).mode & 0o7777, 0o1777);
  assert.equal(readlinkSync(join(fs, 'bin', 'sh')), 'busybox');
  assert.match(readFileSync(join(fs, 'etc', 'passwd'), 'utf8'), /^root:x:0:0:.*\nnobody:x:65534:65534:/);
  assert.match(readFileSync(join(fs, 'etc', 'group'), 'utf8'), /^root:x:0:\nnobody:x:65534:/);
});

test('tag, images -q, rmi and errors print as docker does', (t) => {
  const root = withBusybox(t);
  const id = skiff(root, 'images', '-q').out.trim();
  assert.match(id, /^[0-9a-f]{12}$/);
  assert.equal(skiff(root, 'tag', 'busybox', 'localhost:5000/bb:v1').code, 0);
  assert.match(skiff(root, 'tag', 'busybox', 'Bad:x').err, /must be lowercase/);
  assert.match(skiff(root, 'images').out, /\nlocalhost:5000\/bb +v1 +[0-9a-f]{12} /);
  assert.equal(skiff(root, 'images', 'localhost:5000/bb').out.trimEnd().split('\n').length, 2, 'filtered by repository');
  assert.equal(skiff(root, 'images', '-q').out, `${id}\n`, 'one ID per image with -q');
  const rowsOf = (out: string): string[] => out.trimEnd().split('\n').slice(1).map((l) => l.split(/ +/).slice(0, 2).join(':'));
  assert.deepEqual(rowsOf(skiff(root, 'images', '-f', 'reference=localhost:5000/*').out), ['localhost:5000/bb:v1']);
  assert.deepEqual(rowsOf(skiff(root, 'images', '--filter=reference=busy*:latest').out), ['busybox:latest']);
  assert.deepEqual(rowsOf(skiff(root, 'images', '-f', 'dangling=true').out), []);
  assert.equal(rowsOf(skiff(root, 'images', '-f', 'dangling=false').out).length, 2);
  assert.match(skiff(root, 'images', '-f', 'bogus=1').err, /invalid filter 'bogus'/);
  const conflict = skiff(root, 'rmi', id);
  assert.equal(conflict.code, 1);
  assert.match(conflict.err, /must be forced/);
  assert.deepEqual(skiff(root, 'rmi', 'busybox'), { code: 0, out: 'Untagged: busybox:latest\n', err: '' });
  const removed = skiff(root, 'rmi', 'localhost:5000/bb:v1');
  assert.match(removed.out, /^Untagged: localhost:5000\/bb:v1\nDeleted: sha256:[0-9a-f]{64}\n$/);
  const missing = skiff(root, 'rmi', 'nope');
  assert.equal(missing.code, 1);
  assert.equal(missing.err, 'Error: image not known: nope\n');
});

test('concurrent skiff processes tagging at once lose no name', async (t) => {
  const root = withBusybox(t);
  const run = promisify(execFile);
  await Promise.all(Array.from({ length: 6 }, (_, i) => run(process.execPath, [bin, 'tag', 'busybox', `copy${i}:v${i}`, '--root', root])));
  const names = skiff(root, 'images').out.trimEnd().split('\n').slice(1).map((l) => l.split(/ +/).slice(0, 2).join(':')).sort();
  assert.deepEqual(names, ['busybox:latest', ...Array.from({ length: 6 }, (_, i) => `copy${i}:v${i}`)]);
});

test('import takes a rootfs tarball on stdin with --change and --message', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'skiff-cmd-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const tarball = execFileSync('tar', ['-C', join(repo, 'scripts'), '-cf', '-', 'make-busybox-image.sh']);
  const r = spawnSync(process.execPath, [bin, 'import', '--root', root, '-c', 'CMD ["run"]', '-c', 'ENV A=1', '-m', 'hi', '-', 'mine:1'], { input: tarball, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
  assert.match(skiff(root, 'history', 'mine:1').out, / hi\n$/);
  assert.equal(skiff(root, 'import', '/nonexistent.tar').code, 1);
});
