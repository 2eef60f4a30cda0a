/**
 * The builder end to end: real runc, real overlayfs, the busybox base image. A two-stage
 * build that runs, its cached rebuild, a rebuild after one file changed, and the CLI output.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openImageStore } from '../../src/engine/image/index.js';
import { pruneBuildCache } from '../../src/engine/build/index.js';
import { runImageForTest } from '../../src/engine/build/testing.js';
import { buildIn, leftoverBuildDirs, leftoverMounts, makeContext, makeFixture, recorder, skiff, type Fixture } from './build-fixture.js';

let fx: Fixture;
before(async () => { fx = await makeFixture(); });
after(async () => { await fx?.cleanup(); });

const twoStage = `FROM busybox AS build
RUN mkdir -p /out && echo "built by run" > /out/run.txt && echo step-output
COPY app.txt /out/
COPY lib/ /out/lib/

FROM busybox
COPY --from=build /out /app/
ENV GREETING=hello
WORKDIR /app
USER nobody
CMD ["sh", "-c", "cat run.txt app.txt lib/util.txt; echo $GREETING; id -u; pwd"]
`;

test('two-stage build: CLI progress, the image runs, a rebuild is all cached, one changed file re-runs only its dependents', async () => {
  const ctx = await makeContext(fx, { 'Dockerfile': twoStage, 'app.txt': 'app v1\n', 'lib/util.txt': 'util\n', 'ignored.tmp': 'x' });

  const cli = await skiff(['build', '--root', fx.root, '-t', 'two-stage:v1', '--progress', 'plain', ctx]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stderr, /^#1 \[internal\] load build definition from Dockerfile$/m);
  assert.match(cli.stderr, /^#\d+ \[build 2\/4\] RUN mkdir -p \/out/m);
  assert.match(cli.stderr, /^#\d+ \d+\.\d{3} step-output$/m, 'RUN output is prefixed with the step number and time');
  assert.match(cli.stderr, /^#\d+ \[stage-1 2\/2\] COPY --from=build \/out \/app\/$/m);
  assert.match(cli.stderr, /^#\d+ naming to docker\.io\/library\/two-stage:v1 done$/m);
  assert.match(cli.stderr, /^#\d+ DONE \d+\.\ds$/m);

  const ran = await skiff(['run', '--root', fx.root, '--rm', 'two-stage:v1']);
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(ran.stdout, 'built by run\napp v1\nutil\nhello\n65534\n/app\n');

  const store = openImageStore(fx.root);
  const first = await store.resolve('two-stage:v1');
  assert.equal(first.manifest.layers.length, 2, 'the final image has busybox + its own COPY layer only');

  const rec = recorder();
  const again = await buildIn(fx, ctx, twoStage, { tags: ['two-stage:v1'], progress: rec.sink });
  assert.equal(again.executedSteps, 0);
  assert.equal(again.id, first.id, 'a cached rebuild reproduces the same image');
  const fileSteps = rec.events.filter((e) => /^start \[(build|stage-1) /.test(e) && !/ FROM /.test(e));
  assert.equal(fileSteps.length, 4);
  assert.equal(rec.events.filter((e) => e.startsWith('cached [')).length, 4);
  assert.ok(!rec.events.some((e) => e.startsWith('log ')), 'no container ran');

  // A new mtime alone is no change: the key has content, mode and path, not times.
  await utimes(join(ctx, 'app.txt'), new Date(), new Date(Date.now() + 5000));
  assert.equal((await buildIn(fx, ctx, twoStage, { tags: ['two-stage:v1'] })).executedSteps, 0);

  await writeFile(join(ctx, 'app.txt'), 'app v2\n');
  const rec2 = recorder();
  const changed = await buildIn(fx, ctx, twoStage, { tags: ['two-stage:v2'], progress: rec2.sink });
  assert.equal(changed.executedSteps, 3, rec2.events.join('\n'));
  assert.ok(rec2.events.includes('cached [build 2/4] RUN mkdir -p /out && echo "built by run" > /out/run.txt && echo step-output'));
  assert.ok(rec2.events.includes('done [build 3/4] COPY app.txt /out/'));
  assert.ok(rec2.events.includes('done [build 4/4] COPY lib/ /out/lib/'), 'steps after a changed one re-run');
  assert.ok(rec2.events.includes('done [stage-1 2/2] COPY --from=build /out /app/'));
  const ran2 = await runImageForTest(fx.root, 'two-stage:v2');
  assert.equal(ran2.lines[1], 'app v2');

  const noCache = await buildIn(fx, ctx, twoStage, { tags: ['two-stage:v3'], noCache: true });
  assert.equal(noCache.cachedSteps, 0);
  assert.equal(noCache.executedSteps, 4);
  assert.deepEqual(await leftoverMounts(fx.dir), []);
  assert.deepEqual(await leftoverBuildDirs(fx.root), []);

  // Stale records (their blob collected) and then all records can be pruned.
  assert.equal(await pruneBuildCache(fx.root, store.content), 0, 'every record still has its layer');
  assert.ok(await pruneBuildCache(fx.root, store.content, { all: true }) >= 9);
  assert.equal((await buildIn(fx, ctx, twoStage)).executedSteps, 4);
});

test('RUN heredocs, shebang scripts, build args in the environment, unused build-arg warning', async () => {
  const ctx = await makeContext(fx, {});
  const dockerfile = `FROM busybox
ARG FLAVOUR=plain
ARG VERSION
ENV FROM_ENV=env
RUN <<EOF
echo "script $FLAVOUR $VERSION $FROM_ENV" > /heredoc.txt
EOF
RUN <<'EOT'
#!/bin/sh
echo "shebang $0" > /shebang.txt
EOT
RUN cat <<EOF > /fed.txt
fed $FLAVOUR
EOF
COPY <<EOF /etc/greeting
hello $FLAVOUR
EOF
USER nobody
WORKDIR /tmp/made-by-run
RUN id -u > /tmp/uid-seen && pwd >> /tmp/uid-seen
USER root
CMD ["sh", "-c", "cat /heredoc.txt /shebang.txt /fed.txt /etc/greeting /tmp/uid-seen"]
`;
  const rec = recorder();
  await buildIn(fx, ctx, dockerfile, { tags: ['heredoc'], buildArgs: { VERSION: '1.2', UNUSED: 'x' }, progress: rec.sink });
  const ran = await runImageForTest(fx.root, 'heredoc');
  assert.deepEqual(ran.lines, ['script plain 1.2 env', 'shebang /dev/pipes/EOT', 'fed plain', 'hello plain', '65534', '/tmp/made-by-run']);
  assert.ok(rec.events.includes('warn One or more build-args [UNUSED] were not consumed'));
  const image = await openImageStore(fx.root).resolve('heredoc');
  assert.ok(!(image.config.config?.Env ?? []).some((e) => e.startsWith('VERSION=')), 'ARG values are not kept in the image');
  const runHistory = (image.config.history ?? []).find((h) => h.created_by?.startsWith('RUN '))?.created_by;
  assert.match(runHistory ?? '', /^RUN \|2 FLAVOUR=plain VERSION=1\.2 \/bin\/sh -c /);
});
