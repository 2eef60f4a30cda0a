/**
 * `kubectl port-forward` (the real kubectl 1.32) through a whole `skiff server` with its
 * in-process node agent, to a pod serving HTTP with busybox httpd: over the WebSocket
 * tunnel (kubectl's default) and the plain SPDY/3.1 upgrade (its fallback). Several rounds
 * per transport, each a fresh kubectl and a fresh connection, so a race between kubectl's
 * first frames and the server shows up here rather than in users' hands.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startNodeServer, type NodeServer } from './kubelet-fixture.js';

const podManifest = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: httpd
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, 'mkdir -p /www && echo hello-through-port-forward > /www/index.html && exec httpd -f -p 80 -h /www']
`;

/** Prints the body of a GET to argv[1]; exits 1 on an error or a 10 s stall. */
const httpGet = `const u = process.argv[1];
require('node:http').get(u, { timeout: 10000 }, (res) => { res.pipe(process.stdout); })
  .on('timeout', () => { console.error('timed out'); process.exit(1); })
  .on('error', (e) => { console.error(e.message); process.exit(1); });`;

/** Starts kubectl port-forward in the server's namespace; resolves with the local port and a stop(). */
async function portForward(s: NodeServer, env: NodeJS.ProcessEnv): Promise<{ port: number; output(): string; stop(): Promise<void> }> {
  const child = spawn('nsenter', [`--net=/run/netns/${s.netns}`, 'kubectl', '--kubeconfig', `${s.dataDir}/kubeconfig.yaml`, 'port-forward', 'pod/web', ':80'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: `${s.dir}/home`, ...env },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const done = new Promise<void>((r) => child.once('close', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    await done;
  };
  try {
    const port = await s.waitFor('kubectl to start forwarding', async () => {
      if (child.exitCode !== null) throw new Error(`kubectl port-forward exited ${child.exitCode}: ${out}`);
      const m = /Forwarding from 127\.0\.0\.1:(\d+) -> 80/.exec(out);
      return m ? Number(m[1]) : undefined;
    });
    return { port, output: () => out, stop };
  } catch (err: unknown) {
    await stop();
    throw err;
  }
}

async function roundTrips(s: NodeServer, env: NodeJS.ProcessEnv, rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const pf = await portForward(s, env);
    try {
      // An HTTP GET from inside the server's namespace, where kubectl listens on 127.0.0.1
      // (node rather than busybox wget, which crashes resolving names in a bare namespace).
      const got = await s.inNetns(process.execPath, ['-e', httpGet, `http://127.0.0.1:${pf.port}/index.html`], { timeoutMs: 20_000 });
      assert.equal(got.code, 0, `round ${i}: wget failed: ${got.stderr}\nkubectl: ${pf.output()}`);
      assert.equal(got.stdout, 'hello-through-port-forward\n');
      assert.match(pf.output(), /Handling connection for \d+/);
    } finally {
      await pf.stop();
    }
  }
}

test('kubectl port-forward through skiff server reaches a busybox httpd pod, over WebSocket and plain SPDY', async (t) => {
  const s = await startNodeServer();
  t.after(() => s.stop());
  const applied = await s.kubectl(['apply', '-f', '-'], { stdin: podManifest });
  assert.equal(applied.code, 0, applied.stderr);
  await s.waitFor('pod web to run', async () => {
    const r = await s.kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.status.phase}']);
    return r.stdout === 'Running' ? true : undefined;
  }, 60_000);
  await t.test('over the WebSocket tunnel', () => roundTrips(s, {}, 3));
  await t.test('over the plain SPDY/3.1 upgrade', () => roundTrips(s, { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }, 3));
});
