/**
 * `kubectl top` on real figures: a `skiff server` (agent in-process) in a test network
 * namespace runs a busybox pod burning CPU; the real kubectl and ours show its CPU and
 * memory (from its cgroups) and the node's (from /proc), through metrics.k8s.io.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startNodeServer, type NodeServer } from './kubelet-fixture.js';
import { repoRoot } from './engine-run-fixture.js';

const burner = `apiVersion: v1
kind: Pod
metadata: {name: burner, labels: {app: burn}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: burn, image: busybox, imagePullPolicy: Never, command: [sh, -c, 'while :; do :; done']}
`;

function ourKubectl(s: NodeServer, args: readonly string[]): ReturnType<NodeServer['inNetns']> {
  return s.inNetns(process.execPath, [join(repoRoot, 'bin/skiff'), 'kubectl', '--kubeconfig', join(s.dataDir, 'kubeconfig.yaml'), ...args]);
}

/** The first number in a `123m` / `45Mi` cell of the row starting with `name`. */
function cells(out: string, first: string): string[] | undefined {
  return out.split('\n').find((l) => l.split(/\s+/)[0] === first)?.trim().split(/\s+/);
}

test('kubectl top pods|--containers|nodes show the real CPU and memory of a busy busybox pod and the node (real kubectl and ours)', async (t) => {
  const s = await startNodeServer();
  t.after(() => s.stop());
  const applied = await s.kubectl(['apply', '-f', '-'], { stdin: burner });
  assert.equal(applied.code, 0, applied.stderr);
  await s.waitFor('burner Running', async () => (/^burner\s+1\/1\s+Running/m.test((await s.kubectl(['get', 'pods'])).stdout) ? true : undefined), 30_000);

  // Two samples of the agent's stats loop (5 s apart) are needed for a rate.
  const top = await s.waitFor('figures for burner', async () => {
    const r = await s.kubectl(['top', 'pods']);
    return r.code === 0 && cells(r.stdout, 'burner') ? r.stdout : undefined;
  }, 30_000);
  assert.match(top, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/m);
  const [, cpu, mem] = cells(top, 'burner') ?? [];
  assert.match(cpu ?? '', /^\d+m$/);
  assert.match(mem ?? '', /^\d+Mi$/);
  // A shell spinning in a loop uses a good share of a core even on a loaded machine.
  assert.ok(Number.parseInt(cpu ?? '0', 10) >= 50, `burner cpu ${cpu}`);

  const raw = JSON.parse((await s.kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/burner'])).stdout) as { metadata: { labels: Record<string, string> }; containers: Array<{ name: string; usage: { cpu: string; memory: string } }> };
  assert.equal(raw.metadata.labels['app'], 'burn');
  assert.equal(raw.containers[0]?.name, 'burn');
  assert.ok(Number.parseInt(raw.containers[0]?.usage.memory ?? '0', 10) > 0, `memory ${raw.containers[0]?.usage.memory}`);
  assert.ok(Number.parseInt(raw.containers[0]?.usage.cpu ?? '0', 10) > 0);

  const byContainer = await s.kubectl(['top', 'pods', '--containers']);
  assert.equal(byContainer.code, 0, byContainer.stderr);
  assert.match(byContainer.stdout, /^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/m);
  assert.match(byContainer.stdout, /^burner\s+burn\s+[1-9]\d*m\s+\d+Mi\s*$/m);
  assert.match((await s.kubectl(['top', 'pods', '-l', 'app=burn'])).stdout, /^burner\s/m);

  const nodes = await s.kubectl(['top', 'nodes']);
  assert.equal(nodes.code, 0, nodes.stderr);
  assert.match(nodes.stdout, /^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*$/m);
  const [, nodeCpu, cpuPct, nodeMem, memPct] = cells(nodes.stdout, s.nodeName) ?? [];
  assert.ok(Number.parseInt(nodeCpu ?? '0', 10) >= 50, `node cpu ${nodeCpu}`);
  assert.match(cpuPct ?? '', /^\d+%$/);
  assert.ok(Number.parseInt(nodeMem ?? '0', 10) > 0, `node memory ${nodeMem}`);
  assert.match(memPct ?? '', /^\d+%$/);

  // skiff kubectl prints the same tables.
  const ours = await ourKubectl(s, ['top', 'pods']);
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(ours.stdout.split('\n')[0], top.split('\n')[0]);
  assert.ok(Number.parseInt(cells(ours.stdout, 'burner')?.[1] ?? '0', 10) >= 50, ours.stdout);
  const oursContainers = await ourKubectl(s, ['top', 'pods', '--containers']);
  assert.equal(oursContainers.stdout.split('\n')[0], byContainer.stdout.split('\n')[0]);
  assert.match(oursContainers.stdout, /^burner\s+burn\s+[1-9]\d*m\s+\d+Mi\s*$/m);
  const oursNodes = await ourKubectl(s, ['top', 'nodes']);
  assert.equal(oursNodes.stdout.split('\n')[0], nodes.stdout.split('\n')[0]);
  assert.match(oursNodes.stdout, new RegExp(`^${s.nodeName}\\s+[1-9]\\d*m\\s+\\d+%\\s+[1-9]\\d*Mi\\s+\\d+%\\s*$`, 'm'));

  // A deleted pod's figures go with it.
  assert.equal((await s.kubectl(['delete', 'pod', 'burner', '--wait=true'], { timeoutMs: 60_000 })).code, 0);
  const after = await s.kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods']);
  assert.deepEqual((JSON.parse(after.stdout) as { items: unknown[] }).items, []);
});
