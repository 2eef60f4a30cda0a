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

test('tool helper: words, env, stdin, exit codes, the fd 3 line, and its files removed', async (t) => {
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

  const [files] = await readdir(dir);
  assert.ok(files);
  assert.deepEqual(await readdir(join(dir, files)), [], 'every request\'s files are removed');
  assert.equal(ToolHelper.fits({ file: 'ip', args: [] }), false, 'a bare name would be busybox\'s own applet');
  assert.equal(ToolHelper.fits({ file: sh, args: ['a\nb'] }), false);
});
