import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDockerfile } from './dockerfile/index.js';
import { buildGraph } from './graph.js';
import { layeredFs } from './layered.js';
import { resolveScoped } from './context/scoped.js';

const dockerfile = `ARG BASE=busybox
FROM $BASE AS a
FROM scratch AS b
FROM a AS c
COPY --from=b /x /x
FROM busybox AS unrelated
FROM 2
RUN --mount=from=unrelated,target=/m true
`;

test('stage graph: bases, COPY --from and RUN --mount edges, targets, global args in FROM', () => {
  const program = loadDockerfile(dockerfile);
  const args = new Map([['BASE', 'alpine:3']]);
  const graph = buildGraph(program, (n) => args.get(n));
  assert.deepEqual(graph.nodes[0]!.base, { kind: 'image', reference: 'alpine:3' });
  assert.deepEqual(graph.nodes[1]!.base, { kind: 'scratch' });
  assert.deepEqual(graph.nodes[2]!.base, { kind: 'stage', index: 0 });
  assert.deepEqual([...graph.nodes[2]!.copyFrom], [1]);
  assert.deepEqual(graph.nodes[4]!.base, { kind: 'stage', index: 2 }, 'FROM by index');
  assert.equal(graph.target, 4);
  assert.deepEqual(graph.needed, [0, 1, 2, 3, 4]);
  assert.deepEqual(buildGraph(program, (n) => (n === 'BASE' ? 'busybox' : undefined), 'C').needed, [0, 1, 2], 'target names are case-insensitive');
  assert.deepEqual(buildGraph(program, (n) => (n === 'BASE' ? 'busybox' : undefined), 'b').needed, [1]);
  assert.throws(() => buildGraph(program, (n) => (n === 'BASE' ? 'busybox' : undefined), 'nope'), /target stage "nope" could not be found/);
  assert.throws(() => buildGraph(loadDockerfile('FROM busybox\nCOPY --from=later /x /x\nFROM busybox AS later\n'), () => undefined), /Dockerfile:2: .*defined later/);
});

test('layered view: the top layer decides, whiteouts hide, folders merge', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'skiff-layered-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const [top, bottom] = [join(root, 'top'), join(root, 'bottom')];
  await mkdir(join(bottom, 'etc'), { recursive: true });
  await mkdir(join(top, 'etc'), { recursive: true });
  await writeFile(join(bottom, 'etc', 'passwd'), 'old');
  await writeFile(join(bottom, 'etc', 'group'), 'kept');
  await writeFile(join(top, 'etc', 'passwd'), 'new');
  await writeFile(join(bottom, 'gone'), 'x');
  execFileSync('mknod', [join(top, 'gone'), 'c', '0', '0']); // an overlayfs whiteout
  await mkdir(join(bottom, 'file-then-dir'), { recursive: true });
  await writeFile(join(top, 'file-then-dir'), 'now a file');
  const fs = layeredFs([top, bottom]);
  assert.equal((await fs.lstat('etc/passwd'))?.abs, join(top, 'etc', 'passwd'));
  assert.equal((await fs.lstat('etc/group'))?.abs, join(bottom, 'etc', 'group'));
  assert.equal(await fs.lstat('gone'), undefined);
  assert.ok((await fs.lstat('file-then-dir'))?.stats.isFile());
  assert.equal((await resolveScoped(fs, '/etc/../etc/passwd', { followFinal: true })).abs, join(top, 'etc', 'passwd'));
});
