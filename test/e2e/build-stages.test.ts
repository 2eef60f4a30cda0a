/** Multi-stage builds: --target builds only what the target needs; independent stages run at the same time. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openImageStore } from '../../src/engine/image/index.js';
import { runImageForTest } from '../../src/engine/build/testing.js';
import { buildIn, makeContext, makeFixture, recorder, type Fixture } from './build-fixture.js';

let fx: Fixture;
before(async () => { fx = await makeFixture(); });
after(async () => { await fx?.cleanup(); });

const dockerfile = `ARG BASE=busybox
FROM \${BASE} AS left
RUN sleep 0.4; echo left > /left.txt

FROM $BASE AS right
RUN sleep 0.4; echo right > /right.txt

FROM busybox AS broken
RUN echo broken stage must not run; exit 1

FROM left AS joined
COPY --from=right /right.txt /
COPY --from=1 /right.txt /again.txt
CMD ["cat", "/left.txt", "/right.txt", "/again.txt"]

FROM scratch AS minimal
COPY --from=left /left.txt /
`;

test('independent stages run in parallel; unneeded stages are skipped; FROM a stage keeps its layers', async () => {
  const ctx = await makeContext(fx, {});
  const rec = recorder();
  const result = await buildIn(fx, ctx, dockerfile, { tags: ['joined'], target: 'joined', progress: rec.sink });
  const leftStart = rec.events.indexOf('start [left 2/2] RUN sleep 0.4; echo left > /left.txt');
  const rightStart = rec.events.indexOf('start [right 2/2] RUN sleep 0.4; echo right > /right.txt');
  const firstDone = rec.events.findIndex((e) => /^done \[(left|right) 2\/2\]/.test(e));
  assert.ok(leftStart >= 0 && rightStart >= 0, rec.events.join('\n'));
  assert.ok(leftStart < firstDone && rightStart < firstDone, `both RUNs started before either finished:\n${rec.events.join('\n')}`);
  assert.ok(!rec.events.some((e) => e.includes('broken')), 'the broken stage was not needed, so not built');
  assert.equal(result.executedSteps, 4);
  const ran = await runImageForTest(fx.root, 'joined');
  assert.deepEqual(ran.lines, ['left', 'right', 'right']);
  const image = await openImageStore(fx.root).resolve('joined');
  assert.equal(image.manifest.layers.length, 4, 'busybox + left RUN + two COPY layers; right\'s RUN layer is not in it');
});

test('--target picks an earlier stage; FROM scratch with COPY --from makes a one-layer image', async () => {
  const ctx = await makeContext(fx, {});
  const rec = recorder();
  await buildIn(fx, ctx, dockerfile, { tags: ['left-only'], target: 'left', progress: rec.sink });
  assert.ok(!rec.events.some((e) => e.includes('[right ')), 'right is not needed for left');
  const left = await openImageStore(fx.root).resolve('left-only');
  assert.equal(left.manifest.layers.length, 2);

  const minimal = await buildIn(fx, ctx, dockerfile, { tags: ['minimal'], progress: recorder().sink });
  const image = await openImageStore(fx.root).resolve(minimal.id);
  assert.equal(image.manifest.layers.length, 1);
  assert.deepEqual(image.config.history?.map((h) => h.created_by), ['COPY --from=left /left.txt / # buildkit']);
  const top = (await openImageStore(fx.root).prepare('minimal')).lowerDirs[0]!;
  const { readFile } = await import('node:fs/promises');
  assert.equal(await readFile(`${top}/left.txt`, 'utf8'), 'left\n');

  await assert.rejects(buildIn(fx, ctx, dockerfile, { target: 'broken' }), /exit code: 1/);

  // --from also takes an image.
  const fromImage = await buildIn(fx, ctx, 'FROM scratch\nCOPY --from=busybox /bin/busybox /bin/\nCOPY --from=busybox /etc/passwd /etc/\nUSER nobody\nCMD ["/bin/busybox", "id", "-u"]\n', { tags: ['from-image'] });
  assert.equal((await openImageStore(fx.root).resolve(fromImage.id)).manifest.layers.length, 2);
  const ran = await runImageForTest(fx.root, 'from-image');
  assert.deepEqual(ran.lines, ['65534']);
});

test('COPY --from sees the other stage as merged: deleted files are gone, a refilled folder shows only its new files', async () => {
  const ctx = await makeContext(fx, {});
  const dockerfile = `FROM busybox AS s
RUN echo a > /f && mkdir -p /o /single && touch /o/old && echo one > /single/file
RUN rm /f && rm -rf /o && mkdir /o && touch /o/new
FROM scratch AS merged
COPY --from=s /o /o/
COPY --from=s /single /single/
FROM scratch AS deleted
COPY --from=s /f /
`;
  await buildIn(fx, ctx, dockerfile, { tags: ['merged'], target: 'merged' });
  const { readdir, readFile } = await import('node:fs/promises');
  const dirs = (await openImageStore(fx.root).prepare('merged')).lowerDirs;
  assert.deepEqual(await readdir(`${dirs[1]}/o`), ['new']);
  assert.equal(await readFile(`${dirs[0]}/single/file`, 'utf8'), 'one\n');
  await assert.rejects(buildIn(fx, ctx, dockerfile, { target: 'deleted' }), /"\/f": not found/);
});

test('RUN --mount=from=STAGE reads another stage, which the target then needs', async () => {
  const ctx = await makeContext(fx, {});
  const dockerfile = `FROM busybox AS data
RUN echo data > /d.txt
FROM busybox
RUN --mount=from=data,target=/m cat /m/d.txt > /copied
`;
  const built = await buildIn(fx, ctx, dockerfile, { tags: ['mount-from'] });
  const { readFile } = await import('node:fs/promises');
  const top = (await openImageStore(fx.root).prepare(built.id)).lowerDirs[0]!;
  assert.equal(await readFile(`${top}/copied`, 'utf8'), 'data\n');
});
