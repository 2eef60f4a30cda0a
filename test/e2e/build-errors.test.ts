/**
 * Builder failures: messages with the Dockerfile line, nothing read from outside the context
 * (`..`, symlinks, absolute paths, tar slip), .dockerignore, the 127-layer limit counted
 * before any work, and a failed build leaving no image, tag, mount or temp dir behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BuildError } from '../../src/engine/build/index.js';
import { openImageStore } from '../../src/engine/image/index.js';
import { buildIn, leftoverBuildDirs, leftoverMounts, makeContext, makeFixture, recorder, skiff, type Fixture } from './build-fixture.js';

const run = promisify(execFile);
/** PIDs whose command line contains `text`. */
async function processesWith(text: string): Promise<number[]> {
  const { readdir: list, readFile: read } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const name of await list('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await read(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text) && Number(name) !== process.pid) pids.push(Number(name));
  }
  return pids;
}

let fx: Fixture;
before(async () => { fx = await makeFixture(); });
after(async () => { await fx?.cleanup(); });

async function failure(ctx: string, dockerfile: string, tag = 'should-not-exist'): Promise<BuildError> {
  try {
    await buildIn(fx, ctx, dockerfile, { tags: [tag] });
  } catch (err: unknown) {
    assert.ok(err instanceof BuildError, `expected a BuildError, got ${String(err)}`);
    await assert.rejects(openImageStore(fx.root).resolve(tag), /not known|not found/i, 'a failed build leaves no tag');
    assert.deepEqual(await leftoverMounts(fx.dir), []);
    assert.deepEqual(await leftoverBuildDirs(fx.root), []);
    return err;
  }
  throw new Error('the build should have failed');
}

test('errors name the Dockerfile line', async () => {
  const ctx = await makeContext(fx, { 'here.txt': 'x' });
  assert.equal((await failure(ctx, 'FROM busybox\nRUN true\nFROOM x\n')).message, 'Dockerfile:3: unknown instruction: FROOM');
  assert.equal((await failure(ctx, 'FROM busybox\n\nCOPY missing.txt /\n')).message, 'Dockerfile:3: "/missing.txt": not found');
  assert.match((await failure(ctx, 'FROM nosuchimage\n')).message, /^Dockerfile:1: failed to resolve source metadata for docker\.io\/library\/nosuchimage:latest/);
  assert.match((await failure(ctx, 'FROM busybox\nCOPY --from=nostage /x /x\n')).message, /^Dockerfile:2: failed to resolve source metadata for docker\.io\/library\/nostage:latest/);
  assert.match((await failure(ctx, 'FROM busybox\nUSER nosuchuser\nRUN true\n')).message, /^Dockerfile:3: unable to find user nosuchuser/);
  const failed = await failure(ctx, 'FROM busybox\nRUN echo before-failing; exit 3\n');
  assert.equal(failed.message, 'Dockerfile:2: process "/bin/sh -c echo before-failing; exit 3" did not complete successfully: exit code: 3');
  assert.deepEqual(failed.output, ['before-failing']);
  await assert.rejects(buildIn(fx, ctx, 'FROM busybox\n', { target: 'nope' }), /target stage "nope" could not be found/);
  await assert.rejects(buildIn(fx, join(ctx, 'missing-dir'), 'FROM busybox\n'), /unable to prepare context: path ".*missing-dir" not found/);
  await assert.rejects(buildIn(fx, ctx, 'FROM busybox\nRUN exit 9\n', { tags: ['Bad Name'] }), /^BuildError: invalid tag "Bad Name"/, 'checked before the failing RUN');

  const cli = await skiff(['build', '--root', fx.root, '-t', 'cli-fail', '-f', join(ctx, 'Dockerfile.fail'), ctx]);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /ERROR: failed to read dockerfile/);
  await writeFile(join(ctx, 'Dockerfile.fail'), 'FROM busybox\nRUN echo out-line && exit 7\n');
  const cli2 = await skiff(['build', '--root', fx.root, '-t', 'cli-fail', '-f', join(ctx, 'Dockerfile.fail'), ctx]);
  assert.equal(cli2.code, 1);
  assert.match(cli2.stderr, /^#\d+ ERROR: process "\/bin\/sh -c echo out-line && exit 7" did not complete successfully: exit code: 7$/m);
  assert.match(cli2.stderr, /^ > out-line$/m);
  assert.match(cli2.stderr, /^ERROR: Dockerfile\.fail:2: process/m);
});

test('nothing outside the context is read: .., absolute paths, symlinks out of it', async () => {
  const ctx = await makeContext(fx, { 'inside/ok.txt': 'ok' });
  await symlink('/etc/passwd', join(ctx, 'abs-link'));
  await symlink('../../../../../../etc', join(ctx, 'rel-link'));
  await symlink('/etc/shadow', join(ctx, 'inside', 'shadow-link'));
  const cases: [string, string][] = [['../../../../etc/passwd', '/etc/passwd'], ['/etc/passwd', '/etc/passwd'], ['abs-link', '/abs-link'], ['rel-link/passwd', '/rel-link/passwd']];
  for (const [source, shown] of cases) {
    const err = await failure(ctx, `FROM busybox\nCOPY ${source} /stolen\n`);
    assert.equal(err.message, `Dockerfile:2: "${shown}": not found`, source);
  }
  // A symlink inside a copied folder is copied as a link, never followed.
  const built = await buildIn(fx, ctx, 'FROM busybox\nCOPY inside /in/\n', { tags: ['links'] });
  const prepared = await openImageStore(fx.root).prepare(built.id);
  const { readlink, readFile } = await import('node:fs/promises');
  assert.equal(await readlink(join(prepared.lowerDirs[0]!, 'in', 'shadow-link')), '/etc/shadow');
  assert.equal(await readFile(join(prepared.lowerDirs[0]!, 'in', 'ok.txt'), 'utf8'), 'ok');
});

test('COPY destinations follow the image\'s own symlinks inside the image, never on the host', async () => {
  const ctx = await makeContext(fx, { 'payload': 'inside the image' });
  const marker = `skiff-build-escape-${process.pid}`;
  const built = await buildIn(fx, ctx, `FROM busybox\nRUN ln -s /etc /hostetc && ln -s ../../../../tmp /up\nCOPY payload /hostetc/${marker}\nCOPY payload /up/${marker}\n`, { tags: ['links-dest'] });
  const { lstat: statOf, readFile: read } = await import('node:fs/promises');
  await assert.rejects(statOf(`/etc/${marker}`), 'nothing was written to the host /etc');
  await assert.rejects(statOf(`/tmp/${marker}`), 'nothing was written to the host /tmp');
  const dirs = (await openImageStore(fx.root).prepare(built.id)).lowerDirs;
  assert.equal(await read(join(dirs[1]!, 'etc', marker), 'utf8'), 'inside the image');
  assert.equal(await read(join(dirs[0]!, 'tmp', marker), 'utf8'), 'inside the image');
});

test('ADD refuses archives that escape the destination (tar slip, paths through their own symlinks)', async () => {
  const ctx = await makeContext(fx, {});
  const tree = join(fx.dir, 'slip-tree');
  await mkdir(join(tree, 'a'), { recursive: true });
  await writeFile(join(tree, 'a', 'f'), 'x');
  // ../ entries: GNU tar keeps them with -P.
  await run('tar', ['-C', join(tree, 'a'), '-cPf', join(ctx, 'dotdot.tar'), '../a/f', '--transform', 's,^\\.\\./a/f,../../escaped,']);
  // A symlink to /etc, then a file written through it.
  await symlink('/etc', join(tree, 'evil'));
  await run('tar', ['-C', tree, '-cf', join(ctx, 'through-link.tar'), 'evil']);
  await mkdir(join(fx.dir, 'slip2', 'evil'), { recursive: true });
  await writeFile(join(fx.dir, 'slip2', 'evil', 'pwned'), 'x');
  await run('tar', ['-C', join(fx.dir, 'slip2'), '-rf', join(ctx, 'through-link.tar'), 'evil/pwned']);
  assert.match((await failure(ctx, 'FROM busybox\nADD dotdot.tar /x/\n')).message, /^Dockerfile:2: archive entry "\.\.\/\.\.\/escaped" contains "\.\."/);
  assert.match((await failure(ctx, 'FROM busybox\nADD through-link.tar /x/\n')).message, /^Dockerfile:2: archive entry "evil\/pwned" passes through the symlink "evil"/);
});

test('.dockerignore hides files from COPY, with ! exceptions', async () => {
  const ctx = await makeContext(fx, {
    '.dockerignore': '# local junk\n*.secret\nlogs\n!logs/keep.log\n**/node_modules\n',
    'app.js': 'app', 'key.secret': 's', 'logs/a.log': 'a', 'logs/keep.log': 'k', 'lib/node_modules/m.js': 'm', 'lib/index.js': 'i',
  });
  const built = await buildIn(fx, ctx, 'FROM busybox\nCOPY . /ctx/\n', { tags: ['ignored'] });
  const top = (await openImageStore(fx.root).prepare(built.id)).lowerDirs[0]!;
  const list = async (dir: string): Promise<string[]> => (await readdir(join(top, dir))).sort();
  assert.deepEqual(await list('ctx'), ['.dockerignore', 'app.js', 'lib', 'logs']);
  assert.deepEqual(await list('ctx/logs'), ['keep.log']);
  assert.deepEqual(await list('ctx/lib'), ['index.js']);
  assert.equal((await failure(ctx, 'FROM busybox\nCOPY key.secret /\n')).message, 'Dockerfile:2: "/key.secret": not found');
  // An ignored file's changes do not invalidate the cache.
  await writeFile(join(ctx, 'key.secret'), 'changed');
  assert.equal((await buildIn(fx, ctx, 'FROM busybox\nCOPY . /ctx/\n')).executedSteps, 0);
});

test('the 127-layer limit is checked before any step runs', async () => {
  const ctx = await makeContext(fx, { 'f': 'x' });
  const lines = ['FROM busybox', 'RUN echo this must not run > /ran'];
  for (let i = 0; i < 126; i++) lines.push(`COPY f /f${i}`);
  const rec = recorder();
  const started = Date.now();
  await assert.rejects(buildIn(fx, ctx, `${lines.join('\n')}\n`, { progress: rec.sink }), (err: unknown) => {
    assert.ok(err instanceof BuildError);
    assert.equal(err.message, 'Dockerfile:128: too many layers: this step would make layer 128 of the image, and an image can have at most 127');
    return true;
  });
  assert.ok(!rec.events.some((e) => e.includes('RUN echo')), 'no step started');
  assert.ok(Date.now() - started < 5000);
  // Only the target's layers count: a long stage the target does not need is not built at all.
  const ok = ['FROM busybox AS other', ...Array.from({ length: 130 }, (_, i) => `COPY f /o${i}`), 'FROM busybox', 'COPY f /f'];
  const rec2 = recorder();
  await buildIn(fx, ctx, `${ok.join('\n')}\n`, { tags: ['few-layers'], progress: rec2.sink });
  assert.ok(!rec2.events.some((e) => e.includes('[other ')), 'the unneeded stage was skipped');
});

test('cancelling a build kills the running step and cleans up; a dead build\'s temp dir is removed by the next build', async () => {
  const ctx = await makeContext(fx, {});
  const controller = new AbortController();
  const rec = recorder();
  const events = rec.events;
  const sink = {
    ...rec.sink,
    vertex(name: string) {
      const v = rec.sink.vertex(name);
      return { ...v, log(line: string) { v.log(line); if (line === 'started') controller.abort(); } };
    },
  };
  const started = Date.now();
  await assert.rejects(buildIn(fx, ctx, 'FROM busybox\nRUN echo started; sleep 29.123\n', { tags: ['cancelled'], progress: sink, signal: controller.signal }), /build cancelled/);
  assert.ok(Date.now() - started < 15_000, 'the sleeping step was killed');
  assert.ok(events.some((e) => e.endsWith(' started')));
  assert.deepEqual(await leftoverMounts(fx.dir), []);
  assert.deepEqual(await leftoverBuildDirs(fx.root), []);
  assert.deepEqual(await processesWith('29.123'), [], 'the step\'s processes are gone');

  // A build killed outright leaves its temp folder (and maybe a mount); the next build removes both.
  const dead = await new Promise<number>((resolve) => { const c = execFile('true'); c.on('exit', () => resolve(c.pid!)); });
  const abandoned = join(fx.root, 'build-cache', 'tmp', `${dead}-abandoned`);
  await mkdir(join(abandoned, 'view', 'rootfs'), { recursive: true });
  await mkdir(join(abandoned, 'src'), { recursive: true });
  await run('mount', ['--bind', join(abandoned, 'src'), join(abandoned, 'view', 'rootfs')]);
  await buildIn(fx, ctx, 'FROM busybox\nENV X=1\n');
  assert.deepEqual(await leftoverBuildDirs(fx.root), []);
  assert.deepEqual(await leftoverMounts(fx.dir), []);
});
