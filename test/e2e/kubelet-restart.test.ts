/**
 * Restarting the agent (here: the whole `skiff server`) does not restart running containers:
 * the new agent adopts them, their status carries on, and logs, exec and deletion work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { startNodeServer } from './kubelet-fixture.js';

const pod = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - {name: web, image: nginx:1.14.2}
`;

interface PodJson { status: { podIP: string; containerStatuses: Array<{ containerID: string; restartCount: number; ready: boolean }> } }

test('a restarted agent adopts its running containers', async (t) => {
  const s = await startNodeServer();
  t.after(() => s.stop());
  assert.equal((await s.kubectl(['apply', '-f', '-'], { stdin: pod })).code, 0);
  const before = await s.waitFor('web running', async () => {
    const r = await s.kubectl(['get', 'pod', 'web', '-o', 'json']);
    const p = r.code === 0 ? (JSON.parse(r.stdout) as PodJson) : undefined;
    return p?.status.containerStatuses?.[0]?.ready ? p : undefined;
  });
  await s.restart();
  // Streaming answers once the new agent runs and has adopted the pod.
  await s.waitFor('exec through the new agent', async () => ((await s.kubectl(['exec', 'web', '--', 'true'])).code === 0 ? true : undefined));
  const after = JSON.parse((await s.kubectl(['get', 'pod', 'web', '-o', 'json'])).stdout) as PodJson;
  assert.equal(after.status.containerStatuses[0]?.containerID, before.status.containerStatuses[0]?.containerID);
  assert.equal(after.status.containerStatuses[0]?.restartCount, 0);
  assert.equal(after.status.podIP, before.status.podIP);
  const fetched = await s.inNetns('busybox', ['wget', '-qO-', `http://${after.status.podIP}/`]);
  assert.equal(fetched.stdout, 'hello-from-nginx\n');
  assert.match((await s.kubectl(['logs', 'web'])).stdout, /^nginx starting\n/);
  const deleted = await s.kubectl(['delete', 'pod', 'web'], { timeoutMs: 40_000 });
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.deepEqual((await readdir(`${s.engineRoot}/containers`)).filter((n) => /^[0-9a-f]{64}$/.test(n)), []);
  assert.deepEqual(await readdir(`${s.runRoot}/agent/sandboxes`), []);
  assert.deepEqual((await readdir(`${s.runRoot}/containers`)).filter((n) => /^[0-9a-f]{64}$/.test(n)), []);
});
