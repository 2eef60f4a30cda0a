/**
 * Terminals and attach with the real kubectl: `kubectl exec -it` gets a real pty in the
 * container (`tty` names /dev/pts/N, the terminal's size follows kubectl's, keystrokes reach
 * an interactive shell and its exit code comes back), and `kubectl attach` streams a running
 * container's output and, with -i, feeds a `stdin: true` container's input. kubectl itself runs under `script` so that its stdin is a terminal,
 * as it requires for -t.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startNodeServer, type NodeServer, type RunResult } from './kubelet-fixture.js';

const manifests = `apiVersion: v1
kind: Pod
metadata: {name: term}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sleep, '3600']}
---
apiVersion: v1
kind: Pod
metadata: {name: ticker}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sh, -c, 'i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.2; done']}
---
apiVersion: v1
kind: Pod
metadata: {name: reader}
spec:
  restartPolicy: Never
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, stdin: true, command: [sh, -c, 'echo ready; while read l; do echo got-$l; done; echo stdin-closed']}
`;

const brief = `apiVersion: v1
kind: Pod
metadata: {name: brief}
spec:
  restartPolicy: Never
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sh, -c, 'sleep 5; echo bye; echo oops >&2; exit 3']}
`;

/**
 * Runs a shell command line (with kubectl in it) under `script`, inside the test namespace.
 * When its own input ends, `script` types the terminal's EOF character, a NUL in kubectl's
 * raw mode, which the container's terminal echoes as ^@: dropped here. Carriage returns too.
 */
async function underTerminal(s: NodeServer, line: string, stdin?: string): Promise<RunResult> {
  const kubectl = `kubectl --kubeconfig ${join(s.dataDir, 'kubeconfig.yaml')}`;
  const r = await s.inNetns('script', ['-q', '-e', '-c', line.replaceAll('kubectl', kubectl), '/dev/null'], { timeoutMs: 30_000, ...(stdin !== undefined ? { stdin } : {}) });
  return { ...r, stdout: r.stdout.replaceAll('^@', '').replaceAll('\r', '') };
}

test('exec -it with a real terminal, and attach', async (t) => {
  const s = await startNodeServer();
  t.after(() => s.stop());
  const applied = await s.kubectl(['apply', '-f', '-'], { stdin: manifests });
  assert.equal(applied.code, 0, applied.stderr);
  for (const name of ['term', 'ticker', 'reader']) {
    await s.waitFor(`${name} Running`, async () => ((await s.kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).stdout === 'Running' ? true : undefined));
  }

  await t.test('exec -it gives the process a pty', async () => {
    const r = await underTerminal(s, 'kubectl exec -it term -- tty');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^\/dev\/pts\/\d+$/m);
    // Without -t there is none.
    const plain = await s.kubectl(['exec', 'term', '--', 'tty']);
    assert.match(plain.stdout, /not a tty/);
  });

  await t.test('the terminal size is kubectl\'s', async () => {
    // runc sizes the container's terminal just after the process starts (its foreground tty
    // mode), so the check waits a moment.
    const r = await underTerminal(s, 'stty rows 33 cols 111; kubectl exec -it term -- sh -c "sleep 0.5; stty size"');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^33 111$/m, JSON.stringify(r.stdout));
  });

  await t.test('keystrokes reach an interactive shell; its exit code comes back', async () => {
    const r = await underTerminal(s, 'kubectl exec -it term -- sh', 'echo hi-$((40+2))\nexit 7\n');
    assert.match(r.stdout, /hi-42/);
    assert.equal(r.code, 7, r.stdout + r.stderr);
  });

  await t.test('the terminal follows kubectl\'s size changes while the process runs', async () => {
    const r = await underTerminal(s, '(sleep 1; stty rows 20 cols 70 < /dev/tty) & kubectl exec -it term -- sh -c "sleep 2.5; stty size"');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^20 70$/m);
  });

  await t.test('attach streams what a running container writes from now on', async () => {
    const r = await s.kubectl(['attach', 'ticker'], { timeoutMs: 2500 });
    const ticks = [...r.stdout.matchAll(/^tick-(\d+)$/gm)].map((m) => Number(m[1]));
    assert.ok(ticks.length >= 3, r.stdout + r.stderr);
    assert.ok((ticks[0] ?? 0) > 5, 'earlier output is not replayed');
    ticks.forEach((n, i) => { if (i > 0) assert.equal(n, (ticks[i - 1] ?? 0) + 1); });
  });

  await t.test('attach ends when the container exits, with both streams', async () => {
    assert.equal((await s.kubectl(['apply', '-f', '-'], { stdin: brief })).code, 0);
    await s.waitFor('brief Running', async () => ((await s.kubectl(['get', 'pod', 'brief', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running' ? true : undefined));
    const r = await s.kubectl(['attach', 'brief'], { timeoutMs: 15_000 });
    assert.notEqual(r.code, -1, 'kubectl attach returned by itself');
    assert.match(r.stdout, /^bye$/m, r.stderr);
    assert.match(r.stderr, /oops/);
  });

  await t.test('attach -i passes input to a container made with stdin: true, and its end closes the container\'s stdin', async () => {
    const r = await s.kubectl(['attach', '-i', 'reader'], { stdin: 'hello\nworld\n', timeoutMs: 20_000 });
    assert.notEqual(r.code, -1, 'kubectl attach returned by itself');
    assert.match(r.stdout, /^got-hello\ngot-world\nstdin-closed$/m, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /ready/, 'output from before the attach is not replayed');
  });
});
