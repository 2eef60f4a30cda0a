/**
 * "skiff build on one node, then a workload across all nodes, just works": a server and two
 * joined `skiff agent` processes in their own network namespaces (JoinCluster; no route off
 * the machine, no registry anywhere). An image is built in node A's engine root only; a
 * DaemonSet of it runs on both nodes, node B pulling it from node A's image mirror
 * (advertised on node A's Node as skiff.dev/image-mirror).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JoinCluster, nodeIp, type AgentProcess } from './cluster-join-fixture.js';
import { runSkiff } from './engine-run-fixture.js';

let cluster: JoinCluster;
let a: AgentProcess;
let b: AgentProcess;

before(async () => {
  cluster = await JoinCluster.create();
  a = await cluster.startAgent(0, 'node-a');
  b = await cluster.startAgent(1, 'node-b');
});
after(async () => { await cluster?.dispose(); });

test('an image built on node A runs on node B, pulled from A\'s mirror', { timeout: 240_000 }, async () => {
  const ctx = join(cluster.dir, 'build-ctx');
  await mkdir(ctx);
  await writeFile(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN echo built-on-node-a > /greeting\n');
  const built = await runSkiff(a.engineRoot, ['build', '-t', 'mirrored-app:v1', ctx], { timeoutMs: 60_000 });
  assert.equal(built.code, 0, built.stderr);
  assert.equal((await runSkiff(b.engineRoot, ['images', '-q', 'mirrored-app:v1'])).stdout.trim(), '', 'node B has no copy');

  const annotation = await cluster.waitFor('node-a advertises its mirror', async () => {
    const r = await cluster.kubectl(['get', 'node', 'node-a', '-o', 'jsonpath={.metadata.annotations.skiff\\.dev/image-mirror}']);
    return r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
  });
  assert.equal(annotation, `http://${nodeIp(0)}:5001`);

  const ds = {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'mirrored' },
    spec: {
      selector: { matchLabels: { app: 'mirrored' } },
      template: {
        metadata: { labels: { app: 'mirrored' } },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'mirrored-app:v1', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'grep -q built-on-node-a /greeting && exec sleep 3600'] }] },
      },
    },
  };
  const applied = await cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(ds) });
  assert.equal(applied.code, 0, applied.stderr);
  const pods = await cluster.waitFor('a Running pod on each node', async () => {
    const r = await cluster.kubectl(['get', 'pods', '-l', 'app=mirrored', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.phase}{"\\n"}{end}']);
    const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(' '));
    const running = lines.filter((l) => l[2] === 'Running');
    return running.length === 2 && new Set(running.map((l) => l[1])).size === 2 ? running : undefined;
  }, 90_000);
  // The command exits at once unless the built file is there: Running without restarts on
  // both nodes means both ran the image built on node A.
  const restarts = await cluster.kubectl(['get', 'pods', '-l', 'app=mirrored', '-o', 'jsonpath={range .items[*]}{.status.containerStatuses[0].restartCount}{" "}{end}']);
  assert.deepEqual(restarts.stdout.trim().split(' '), ['0', '0']);
  const onB = pods.find((l) => l[1] === 'node-b')?.[0] ?? '';
  const events = await cluster.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${onB}`, '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
  assert.match(events.stdout, /Pulling/, 'node B pulled the image');
  assert.match(events.stdout, /Pulled: Successfully pulled image "mirrored-app:v1" from node node-a \(http:\/\/[\d.]+:\d+\) in [\d.]+s/, events.stdout);
  assert.match((await runSkiff(b.engineRoot, ['images', '-q', 'mirrored-app:v1'])).stdout.trim(), /^[0-9a-f]{12}$/, 'node B now has its own copy');
});
