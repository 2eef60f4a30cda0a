/** Each instruction's effect on the image: config, history, layers, files, owners and modes. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openImageStore } from '../../src/engine/image/index.js';
import { runImageForTest } from '../../src/engine/build/testing.js';
import { buildIn, makeContext, makeFixture, type Fixture } from './build-fixture.js';

const run = promisify(execFile);
let fx: Fixture;
before(async () => { fx = await makeFixture(); });
after(async () => { await fx?.cleanup(); });

/** The top layer's unpacked folder of an image. */
async function topLayer(name: string): Promise<string> {
  const prepared = await openImageStore(fx.root).prepare(name);
  return prepared.lowerDirs[0]!;
}

test('metadata instructions shape the config; history has one entry per instruction, layers only for RUN/COPY/ADD', async () => {
  const ctx = await makeContext(fx, { 'a.txt': 'a' });
  const dockerfile = `FROM busybox
LABEL version="1.0" team=core
MAINTAINER someone@example.com
ENV APP_HOME=/srv/app PORT=8080
WORKDIR $APP_HOME
WORKDIR sub
EXPOSE $PORT 53/udp 9000-9001
VOLUME ["/data"]
USER nobody
STOPSIGNAL SIGQUIT
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD wget -q -O- localhost:8080
SHELL ["/bin/sh", "-ec"]
ONBUILD COPY a.txt /onbuild/
ENTRYPOINT echo from entrypoint
COPY a.txt ./
`;
  await buildIn(fx, ctx, dockerfile, { tags: ['meta'] });
  const image = await openImageStore(fx.root).resolve('meta');
  const c = image.config.config!;
  assert.deepEqual(c.Labels, { version: '1.0', team: 'core', maintainer: 'someone@example.com' });
  assert.ok(c.Env?.includes('APP_HOME=/srv/app') && c.Env.includes('PORT=8080'));
  assert.equal(c.WorkingDir, '/srv/app/sub');
  assert.deepEqual(Object.keys(c.ExposedPorts ?? {}).sort(), ['53/udp', '8080/tcp', '9000/tcp', '9001/tcp']);
  assert.deepEqual(c.Volumes, { '/data': {} });
  assert.equal(c.User, 'nobody');
  assert.equal(c.StopSignal, 'SIGQUIT');
  assert.deepEqual(c.Healthcheck, { Test: ['CMD-SHELL', 'wget -q -O- localhost:8080'], Interval: 30e9, Timeout: 5e9, Retries: 3 });
  assert.deepEqual(c.Shell, ['/bin/sh', '-ec']);
  assert.deepEqual(c.OnBuild, ['COPY a.txt /onbuild/']);
  assert.deepEqual(c.Entrypoint, ['/bin/sh', '-ec', 'echo from entrypoint']);
  assert.equal(c.Cmd, null, 'ENTRYPOINT drops the CMD inherited from busybox');
  const history = image.config.history!;
  assert.equal(history.length, 1 + 14);
  assert.equal(history.filter((h) => !h.empty_layer).length, image.manifest.layers.length);
  assert.equal(image.manifest.layers.length, 2);
  assert.equal(history.at(-1)!.created_by, 'COPY a.txt ./ # buildkit');
  assert.equal(history[4]!.created_by, 'WORKDIR /srv/app');
  // The relative COPY landed in the WORKDIR, and the WORKDIR's new folders are root's.
  const top = await topLayer('meta');
  assert.equal(await readFile(join(top, 'srv/app/sub/a.txt'), 'utf8'), 'a');
  assert.equal((await stat(join(top, 'srv/app/sub'))).uid, 0);

  // ONBUILD triggers run in the child build, and are not inherited further.
  const child = await buildIn(fx, ctx, 'FROM meta\nENTRYPOINT []\nCMD ["cat", "/onbuild/a.txt"]\n', { tags: ['meta-child'] });
  const childImage = await openImageStore(fx.root).resolve(child.id);
  assert.equal(childImage.config.config?.OnBuild, undefined);
  assert.equal(childImage.manifest.layers.length, 3);
  assert.deepEqual((await runImageForTest(fx.root, 'meta-child')).lines, ['a']);
});

test('COPY: wildcards, several sources, dest semantics, --chown names, --chmod, symlinks copied as links', async () => {
  const ctx = await makeContext(fx, {
    'src/a.js': 'a', 'src/b.js': 'b', 'src/c.txt': 'c', 'src/deep/d.js': 'd', 'one.txt': '1', 'two.txt': '2', 'dir/x': 'x',
  });
  await symlink('../one.txt', join(ctx, 'dir', 'link'));
  const dockerfile = `FROM busybox
COPY src/*.js /js/
COPY src/**/*.js /alljs/
COPY one.txt two.txt /many/
COPY one.txt /renamed.txt
COPY one.txt /tmp
COPY --chown=nobody:nobody --chmod=0640 dir /owned
COPY ["dir/x", "/json form/"]
COPY --exclude=*.txt --exclude=deep src/ /excluded/
`;
  await buildIn(fx, ctx, dockerfile, { tags: ['copies'] });
  const store = openImageStore(fx.root);
  const prepared = await store.prepare('copies');
  const find = async (p: string): Promise<string> => {
    for (const dir of prepared.lowerDirs) {
      try { await lstat(join(dir, p)); return join(dir, p); } catch { /* lower layer */ }
    }
    throw new Error(`${p} not in image`);
  };
  assert.equal(await readFile(await find('js/a.js'), 'utf8'), 'a');
  await assert.rejects(find('js/c.txt'));
  await assert.rejects(find('js/deep'));
  assert.equal(await readFile(await find('alljs/d.js'), 'utf8'), 'd', 'each wildcard match lands in the destination by its name');
  assert.equal(await readFile(await find('many/two.txt'), 'utf8'), '2');
  assert.equal(await readFile(await find('renamed.txt'), 'utf8'), '1');
  assert.equal(await readFile(await find('tmp/one.txt'), 'utf8'), '1', 'an existing directory destination means into it');
  const owned = await stat(await find('owned/x'));
  assert.equal(owned.uid, 65534);
  assert.equal(owned.gid, 65534);
  assert.equal(owned.mode & 0o777, 0o640);
  const link = await find('owned/link');
  assert.ok((await lstat(link)).isSymbolicLink());
  assert.equal(await readlink(link), '../one.txt');
  assert.equal(await readFile(await find('json form/x'), 'utf8'), 'x');
  assert.equal(await readFile(await find('excluded/a.js'), 'utf8'), 'a');
  await assert.rejects(find('excluded/c.txt'));
  await assert.rejects(find('excluded/deep'));
  // The existing /tmp keeps its sticky mode.
  const tmp = await stat(await find('tmp'));
  assert.equal(tmp.mode & 0o7777, 0o1777);
});

test('ADD extracts local tar archives (plain, gzip, xz) and copies other files', async () => {
  const ctx = await makeContext(fx, { 'tree/etc/conf': 'conf', 'tree/bin/tool': 'tool', 'plain.txt': 'not an archive' });
  await run('tar', ['-C', join(ctx, 'tree'), '-cf', join(ctx, 'a.tar'), '.']);
  await run('tar', ['-C', join(ctx, 'tree'), '-czf', join(ctx, 'a.tar.gz'), '.']);
  await run('tar', ['-C', join(ctx, 'tree'), '-cJf', join(ctx, 'a.tar.xz'), '.']);
  await mkdir(join(ctx, 'empty'));
  await writeFile(join(ctx, 'Dockerfile'), '');
  await buildIn(fx, ctx, 'FROM busybox\nADD a.tar /plain/\nADD --chown=nobody a.tar.gz /gz\nADD a.tar.xz /xz/\nADD plain.txt /copied.txt\n', { tags: ['adds'] });
  const prepared = await openImageStore(fx.root).prepare('adds');
  const [copied, xz, gz, plain] = prepared.lowerDirs;
  assert.equal(await readFile(join(plain!, 'plain/etc/conf'), 'utf8'), 'conf');
  assert.equal(await readFile(join(gz!, 'gz/bin/tool'), 'utf8'), 'tool');
  assert.equal((await stat(join(gz!, 'gz/bin/tool'))).uid, 65534, 'ADD --chown owns unpacked files');
  assert.equal((await stat(join(plain!, 'plain/etc/conf'))).uid, 0);
  assert.equal(await readFile(join(xz!, 'xz/etc/conf'), 'utf8'), 'conf');
  assert.equal(await readFile(join(copied!, 'copied.txt'), 'utf8'), 'not an archive');
});

test('RUN --mount: cache folders persist between builds, tmpfs, read-only binds of the context keyed by content; none of them lands in the layer', async () => {
  const ctx = await makeContext(fx, { 'src/input.txt': 'v1' });
  const dockerfile = `FROM busybox
RUN --mount=type=cache,target=/var/cache/app,id=app-cache \\
    --mount=type=tmpfs,target=/scratch \\
    --mount=type=bind,source=src,target=/mnt/src \\
    echo run >> /var/cache/app/runs && touch /scratch/t && \\
    cat /mnt/src/input.txt > /result && wc -l < /var/cache/app/runs > /runs-seen && \\
    (touch /mnt/src/write-attempt 2>/dev/null && echo writable || echo read-only) > /bind-mode
`;
  await buildIn(fx, ctx, dockerfile, { tags: ['mounts'] });
  await buildIn(fx, ctx, dockerfile, { tags: ['mounts'], noCache: true });
  const top = await topLayer('mounts');
  assert.equal(await readFile(join(top, 'result'), 'utf8'), 'v1');
  assert.equal((await readFile(join(top, 'runs-seen'), 'utf8')).trim(), '2', 'the cache folder kept the first run file');
  assert.equal((await readFile(join(top, 'bind-mode'), 'utf8')).trim(), 'read-only');
  for (const absent of ['var/cache/app', 'scratch', 'mnt']) {
    await assert.rejects(lstat(join(top, absent)), `${absent} must not be in the layer`);
  }
  await assert.rejects(lstat(join(ctx, 'src', 'write-attempt')));
  // The bound files are part of the step's cache key.
  assert.equal((await buildIn(fx, ctx, dockerfile)).executedSteps, 0);
  await writeFile(join(ctx, 'src', 'input.txt'), 'v2');
  assert.equal((await buildIn(fx, ctx, dockerfile)).executedSteps, 1);
});
