import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { globToRegExp, cleanRelative } from './glob.js';
import { IgnoreMatcher } from './ignore.js';
import { resolveScoped } from './scoped.js';
import { walkTree } from './tree.js';

test('glob patterns: *, ?, classes, ** across segments', () => {
  const cases: [string, string, boolean][] = [
    ['*.txt', 'a.txt', true], ['*.txt', 'd/a.txt', false], ['?.go', 'x.go', true], ['?.go', 'xy.go', false],
    ['[a-c]*', 'beta', true], ['[^a-c]*', 'beta', false], ['**/*.js', 'a/b/c.js', true], ['**/*.js', 'c.js', true],
    ['src/**', 'src/a/b', true], ['a/**/z', 'a/z', true], ['a/**/z', 'a/b/c/z', true], ['a/**/z', 'ab/z', false],
    ['\\*', '*', true], ['\\*', 'x', false],
  ];
  for (const [pattern, path, want] of cases) assert.equal(globToRegExp(pattern).test(path), want, `${pattern} ~ ${path}`);
  assert.equal(cleanRelative('./a//b/../c/'), 'a/c');
  assert.equal(cleanRelative('../../etc/passwd'), 'etc/passwd');
});

test('.dockerignore: last match wins, ! exceptions, parents, comments', () => {
  const m = IgnoreMatcher.parse('# comment\n*.log\n!keep.log\nbuild\n**/node_modules\n/secret/\n  \n');
  assert.equal(m.excludes('a.log'), true);
  assert.equal(m.excludes('keep.log'), false);
  assert.equal(m.excludes('build/x/y.o'), true, 'a matched directory excludes what is under it');
  assert.equal(m.excludes('src/node_modules/x/index.js'), true);
  assert.equal(m.excludes('secret/key'), true);
  assert.equal(m.excludes('src/main.c'), false);
  assert.equal(m.excludes('d/a.log'), false, '*.log matches only at the top, as in Docker');
  assert.equal(m.hasExceptions, true);
});

test('resolveScoped keeps .. and symlinks inside the root', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'skiff-scoped-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'etc'));
  await writeFile(join(root, 'etc', 'passwd'), 'inside\n');
  await symlink('/etc', join(root, 'abs'));
  await symlink('../../../../etc', join(root, 'rel'));
  await symlink('loop2', join(root, 'loop1'));
  await symlink('loop1', join(root, 'loop2'));
  for (const p of ['abs/passwd', 'rel/passwd', '../../etc/passwd', '/etc/passwd']) {
    const r = await resolveScoped(root, p, { followFinal: true });
    assert.equal(r.abs, join(root, 'etc', 'passwd'), p);
    assert.ok(r.stats?.isFile());
  }
  const link = await resolveScoped(root, 'abs', { followFinal: false });
  assert.ok(link.stats?.isSymbolicLink());
  const missing = await resolveScoped(root, 'nope/../../x', { followFinal: true });
  assert.equal(missing.abs, join(root, 'x'));
  assert.equal(missing.stats, undefined);
  await assert.rejects(resolveScoped(root, 'loop1/x', { followFinal: true }), /too many levels/);
});

test('walkTree honours ignore rules and exceptions under excluded dirs', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'skiff-walk-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'logs', 'deep'), { recursive: true });
  await writeFile(join(root, 'logs', 'a.log'), '');
  await writeFile(join(root, 'logs', 'deep', 'keep.txt'), '');
  await writeFile(join(root, 'main.c'), '');
  const rels = async (text: string): Promise<string[]> => (await walkTree(root, '', { ignore: IgnoreMatcher.parse(text) })).map((e) => e.rel);
  assert.deepEqual(await rels('logs'), ['main.c']);
  assert.deepEqual(await rels('logs\n!logs/deep/keep.txt'), ['logs', 'logs/deep', 'logs/deep/keep.txt', 'main.c']);
  assert.deepEqual(await rels(''), ['logs', 'logs/a.log', 'logs/deep', 'logs/deep/keep.txt', 'main.c']);
});
