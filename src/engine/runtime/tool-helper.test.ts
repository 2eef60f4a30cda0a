import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath } from './oci.js';
import { ToolHelper, shellQuote } from './tool-helper.js';

test('shellQuote keeps every character literal', () => {
  assert.equal(shellQuote(`it's $HOME "x"`), `'it'\\''s $HOME "x"'`);
});

test('tool helper: words, env, stdin, exit codes, the fd 3 line, and its files reused or removed', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-tool-helper-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const helper = new ToolHelper(findOnPath('busybox'), dir);
  t.after(() => helper.close());
  const sh = findOnPath('sh');
  const odd = `a b'c"$HOME;|&`;
  const echoed = await helper.run({ file: sh, args: ['-c', 'printf "%s|%s|%s" "$1" "$X" "$(cat)"; echo oops >&2; exit 3', 'sh', odd], env: { X: `x y'z` }, stdin: 'in put' });
  assert.deepEqual(echoed, { code: 3, stdout: `${odd}|x y'z|in put`, stderr: 'oops\n' });

  // Many at once, answered each to its own caller.
  const many = await Promise.all(Array.from({ length: 20 }, (_v, i) => helper.run({ file: sh, args: ['-c', `echo ${i}`], cwd: '/' })));
  assert.deepEqual(many.map((m) => m.stdout), Array.from({ length: 20 }, (_v, i) => `${i}\n`));

  const synced = await helper.run({ file: sh, args: ['-c', 'echo \'{"data": 42}\' >&3; echo out'], syncPipe: true });
  assert.equal(synced.sync, '{"data": 42}');
  assert.equal(synced.stdout, 'out\n');
  const silent = await helper.run({ file: sh, args: ['-c', 'exit 0'], syncPipe: true });
  assert.equal(silent.sync, '', 'fd 3 closed without a line');

  // A silent program answers with no output at all (its empty files are not read).
  assert.deepEqual(await helper.run({ file: sh, args: ['-c', 'exit 4'] }), { code: 4, stdout: '', stderr: '' });
  // Output of an earlier request in a reused slot never shows in a later one's answer.
  assert.deepEqual(await helper.run({ file: sh, args: ['-c', 'printf x'] }), { code: 0, stdout: 'x', stderr: '' });

  const [files] = await readdir(dir);
  assert.ok(files);
  const left = await readdir(join(dir, files));
  // Requests' files (.cmd, .out, .err, .in) are reused by slot (at most one slot per request
  // in flight: 20 here), and a sync-pipe request's own files are removed.
  assert.ok(left.length <= 3 * 20 + 1, `files reused: ${left.length}`);
  assert.ok(!left.some((f) => f.startsWith(`${many.length + 2}.`) || f.startsWith(`${many.length + 3}.`)), `sync-pipe requests' files removed: ${left.join(' ')}`);
  assert.equal(ToolHelper.fits({ file: 'ip', args: [] }), false, 'a bare name would be busybox\'s own applet');
  assert.equal(ToolHelper.fits({ file: sh, args: ['a\nb'] }), false);
});
