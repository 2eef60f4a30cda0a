/**
 * Streaming to pods on a REMOTE node agent: `skiff server --no-agent` in one network
 * namespace, `skiff agent` (joined with the server's token) in another, and the real kubectl
 * next to the server. kubectl logs (-f too), exec, attach and port-forward (WebSocket and plain SPDY) reach
 * the pod through the API server, which proxies them to the agent's streaming endpoint
 * (skiff.dev/streaming-endpoint on the Node) with its kubelet-client certificate. The
 * endpoint itself refuses a caller without a certificate and a node's own certificate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JoinCluster } from './cluster-join-fixture.js';

const nodeName = 'remote-1';
const podManifest = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  nodeName: ${nodeName}
  terminationGracePeriodSeconds: 1
  containers:
  - name: httpd
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, 'echo started-on-remote; mkdir -p /www && echo hello-from-remote-pod > /www/index.html && exec httpd -f -p 80 -h /www']
---
apiVersion: v1
kind: Pod
metadata: {name: ticker}
spec:
  nodeName: ${nodeName}
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sh, -c, 'i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.2; done']}
`;

/** An HTTPS GET run inside a namespace; prints "STATUS BODY" or "ERROR message". */
const httpsGet = `const [url, certFile, keyFile] = process.argv.slice(1);
const fs = require('node:fs');
const opts = { rejectUnauthorized: false, timeout: 5000 };
if (certFile) { opts.cert = fs.readFileSync(certFile); opts.key = fs.readFileSync(keyFile); }
require('node:https').get(url, opts, (res) => { let b = ''; res.on('data', (d) => { b += d; }); res.on('end', () => console.log(res.statusCode + ' ' + b)); })
  .on('error', (e) => console.log('ERROR ' + e.message));`;

const httpGet = `require('node:http').get(process.argv[1], { timeout: 10000 }, (res) => { res.pipe(process.stdout); })
  .on('timeout', () => { console.error('timed out'); process.exit(1); })
  .on('error', (e) => { console.error(e.message); process.exit(1); });`;

async function portForwardGet(c: JoinCluster, env: Record<string, string>): Promise<string> {
  const child = spawn('nsenter', [`--net=/run/netns/${c.serverNs}`, 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'kubectl', '--kubeconfig', join(c.dataDir, 'kubeconfig.yaml'), 'port-forward', 'pod/web', ':80'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: join(c.dir, 'home') },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const done = new Promise<void>((r) => child.once('close', () => r()));
  try {
    const port = await c.waitFor('kubectl port-forward to start', async () => {
      if (child.exitCode !== null) throw new Error(`kubectl port-forward exited ${child.exitCode}: ${out}`);
      const m = /Forwarding from 127\.0\.0\.1:(\d+) -> 80/.exec(out);
      return m ? Number(m[1]) : undefined;
    }, 20_000);
    const got = await c.inNs(c.serverNs, [process.execPath, '-e', httpGet, `http://127.0.0.1:${port}/index.html`], 20_000);
    assert.equal(got.code, 0, `GET through port-forward failed: ${got.stderr}\nkubectl: ${out}`);
    return got.stdout;
  } finally {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    await done;
  }
}

test('kubectl logs, exec, attach and port-forward reach a pod on a remote skiff agent through the API server', async (t) => {
  const c = await JoinCluster.create();
  t.after(() => c.dispose());
  // A free port rather than the kubelet's 10250: the Node must name the one really served.
  const agent = await c.startAgent(0, nodeName, { args: ['--streaming-port', '0'] });
  const endpoint = /streaming endpoint at (https:\/\/\S+)/.exec(agent.output())?.[1];
  assert.ok(endpoint, `the agent names its streaming endpoint: ${agent.output()}`);
  const annotated = await c.kubectl(['get', 'node', nodeName, '-o', 'jsonpath={.metadata.annotations.skiff\\.dev/streaming-endpoint}']);
  assert.equal(annotated.stdout, endpoint);
  // The Node's status names the same port (metrics-server and the like look there).
  const daemonPort = await c.kubectl(['get', 'node', nodeName, '-o', 'jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}']);
  assert.equal(daemonPort.stdout, new URL(endpoint).port);

  const applied = await c.kubectl(['apply', '-f', '-'], { stdin: podManifest });
  assert.equal(applied.code, 0, applied.stderr);
  await c.waitFor('pods web and ticker to run', async () => {
    const r = await c.kubectl(['get', 'pod', 'web', 'ticker', '-o', 'jsonpath={.items[*].status.phase}']);
    return r.stdout === 'Running Running' ? true : undefined;
  }, 60_000);

  await t.test('kubectl logs', async () => {
    const logs = await c.waitFor('the pod\'s first line in its log', async () => {
      const r = await c.kubectl(['logs', 'web']);
      return r.code === 0 && r.stdout.includes('started-on-remote') ? r : undefined;
    }, 15_000);
    assert.equal(logs.stdout, 'started-on-remote\n');
  });

  await t.test('kubectl exec, with its exit code', async () => {
    const ok = await c.kubectl(['exec', 'web', '--', 'sh', '-c', 'echo exec-$((6*7)); cat /www/index.html']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'exec-42\nhello-from-remote-pod\n');
    const failed = await c.kubectl(['exec', 'web', '--', 'sh', '-c', 'exit 3']);
    assert.equal(failed.code, 3, failed.stderr);
    const stdin = await c.kubectl(['exec', '-i', 'web', '--', 'cat'], { stdin: 'through stdin\n' });
    assert.equal(stdin.stdout, 'through stdin\n');
  });

  await t.test('kubectl port-forward over WebSocket and plain SPDY', async () => {
    assert.equal(await portForwardGet(c, {}), 'hello-from-remote-pod\n');
    assert.equal(await portForwardGet(c, { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }), 'hello-from-remote-pod\n');
  });

  await t.test('kubectl attach streams the running container\'s output', async () => {
    const r = await c.kubectl(['attach', 'ticker'], { timeoutMs: 4000 });
    const ticks = [...r.stdout.matchAll(/^tick-(\d+)$/gm)].map((m) => Number(m[1]));
    assert.ok(ticks.length >= 3, r.stdout + r.stderr);
    ticks.forEach((n, i) => { if (i > 0) assert.equal(n, (ticks[i - 1] ?? 0) + 1); });
  });

  await t.test('kubectl logs -f follows until kubectl leaves', async () => {
    const r = await c.kubectl(['logs', '-f', 'ticker'], { timeoutMs: 4000 });
    const ticks = [...r.stdout.matchAll(/^tick-(\d+)$/gm)].map((m) => Number(m[1]));
    assert.equal(ticks[0], 1, 'the log from its start');
    assert.equal(r.code, -1, 'still following when stopped');
    // More lines than were written when kubectl started: they came in while it followed.
    assert.ok(ticks.length >= 10, r.stdout + r.stderr);
    ticks.forEach((n, i) => assert.equal(n, i + 1));
  });

  await t.test('the agent endpoint refuses callers other than the API server', async () => {
    const url = `${endpoint}/api/v1/namespaces/default/pods/web/log`;
    const anonymous = await c.inNs(c.serverNs, [process.execPath, '-e', httpsGet, url]);
    assert.match(anonymous.stdout, /^ERROR /, 'no client certificate: the TLS handshake fails');
    // The node's own certificate (system:node:NAME, from the same CA) is not the API server's.
    const kubeconfig = await readFile(join(agent.dataDir, 'kubeconfig.yaml'), 'utf8');
    const certData = /client-certificate-data: (\S+)/.exec(kubeconfig)?.[1];
    const keyData = /client-key-data: (\S+)/.exec(kubeconfig)?.[1];
    assert.ok(certData && keyData, 'the joined agent has a client certificate');
    const { writeFile } = await import('node:fs/promises');
    const certFile = join(c.dir, 'node.crt');
    const keyFile = join(c.dir, 'node.key');
    await writeFile(certFile, Buffer.from(certData, 'base64'));
    await writeFile(keyFile, Buffer.from(keyData, 'base64'), { mode: 0o600 });
    const asNode = await c.inNs(c.serverNs, [process.execPath, '-e', httpsGet, url, certFile, keyFile]);
    assert.match(asNode.stdout, /^403 .*only the API server/);
  });
});
