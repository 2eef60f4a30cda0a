/**
 * Joining with the server's token, without running pods: `skiff server --no-agent` writes
 * DATA_DIR/token (K10<CA hash>::<id>.<secret>) and its bootstrap Secret; joinCluster fetches
 * the CA, checks its hash, and gets a system:node:NAME certificate that the API accepts; a
 * second join reuses the stored credentials; a wrong CA hash, a wrong secret and the token
 * used as an API bearer token are all refused; a node name that joined from one machine is
 * refused to another while its Node exists. `skiff agent` prints the refusal clearly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RestClient, StatusError } from '../../src/client/index.js';
import { connect } from '../../src/client/typed/index.js';
import { caCertHash, joinCluster, parseJoinToken } from '../../src/join/index.js';
import { repoRoot, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let token: string;
const dirs: string[] = [];
const tempDir = (): string => { const d = mkdtempSync(join(tmpdir(), 'skiff-join-')); dirs.push(d); return d; };

async function waitForToken(dataDir: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const t = readFileSync(join(dataDir, 'token'), 'utf8').trim();
      if (t.startsWith('K10')) return t;
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (Date.now() > deadline) throw new Error('no join token written');
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  server = await startServer({ extraArgs: ['--no-controllers'] });
  token = await waitForToken(server.dataDir);
});
after(async () => {
  await server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('the token names the CA by hash and a bootstrap token stored as a Secret', async () => {
  const t = parseJoinToken(token);
  assert.equal(t.caHash, caCertHash(readFileSync(join(server.dataDir, 'pki', 'ca.crt'), 'utf8')));
  const rest = connect(server.kubeconfigPath, 'test');
  try {
    const r = await rest.request({ path: `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${t.id}` }) as { type: string; data: Record<string, string> };
    assert.equal(r.type, 'bootstrap.kubernetes.io/token');
    assert.equal(Buffer.from(r.data['token-secret'] ?? '', 'base64').toString(), t.secret);
  } finally {
    rest.close();
  }
});

test('joins: a node certificate the API accepts, kept under the data dir and reused', async () => {
  const dataDir = tempDir();
  const first = await joinCluster({ server: server.url, token, dataDir, nodeName: 'join-a' });
  assert.equal(first.fresh, true);
  const cert = new X509Certificate(readFileSync(join(dataDir, 'pki', 'node.crt')));
  assert.match(cert.subject, /CN=system:node:join-a/);
  assert.match(cert.subject, /O=system:nodes/);
  assert.ok(cert.checkIssued(new X509Certificate(readFileSync(join(server.dataDir, 'pki', 'ca.crt')))));
  const rest = connect(first.kubeconfigPath, 'test');
  try {
    const nodes = await rest.request({ path: '/api/v1/nodes' }) as { kind: string };
    assert.equal(nodes.kind, 'NodeList');
  } finally {
    rest.close();
  }
  const again = await joinCluster({ server: server.url, token, dataDir, nodeName: 'join-a' });
  assert.equal(again.fresh, false);
});

test('refuses a CA that does not match the token, and a wrong secret', async () => {
  const t = parseJoinToken(token);
  const wrongHash = `K10${'0'.repeat(64)}::${t.id}.${t.secret}`;
  await assert.rejects(joinCluster({ server: server.url, token: wrongHash, dataDir: tempDir(), nodeName: 'join-b' }), /refusing to join .*CA certificate has sha256 [0-9a-f]{64}, but the token expects 0{64}/);
  const wrongSecret = `K10${t.caHash}::${t.id}.${'x'.repeat(16)}`;
  await assert.rejects(joinCluster({ server: server.url, token: wrongSecret, dataDir: tempDir(), nodeName: 'join-b' }), /join refused .*401: join refused: wrong secret/);
});

test('a name that joined from one machine is refused to another while its Node exists', async () => {
  const rest = connect(server.kubeconfigPath, 'test');
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'join-p' } };
  try {
    await rest.create('/api/v1/nodes', node);
    const first = tempDir();
    const second = tempDir();
    assert.equal((await joinCluster({ server: server.url, token, dataDir: first, nodeName: 'join-p' })).fresh, true);
    assert.match(readFileSync(join(first, 'node-password'), 'utf8'), /^[0-9a-f]{48}\n$/);
    await assert.rejects(joinCluster({ server: server.url, token, dataDir: second, nodeName: 'join-p' }),
      /join refused by .*403: join refused: node join-p already joined from another machine \(its node password differs\); delete the Node \(kubectl delete node join-p\)/);
    // The first machine, joining again from scratch, is still itself.
    rmSync(join(first, 'join.json'));
    assert.equal((await joinCluster({ server: server.url, token, dataDir: first, nodeName: 'join-p' })).fresh, true);
    // Deleting the Node frees the name; the password that joined then holds it.
    await rest.request({ method: 'DELETE', path: '/api/v1/nodes/join-p' });
    assert.equal((await joinCluster({ server: server.url, token, dataDir: second, nodeName: 'join-p' })).fresh, true);
    await rest.create('/api/v1/nodes', node);
    rmSync(join(first, 'join.json'));
    await assert.rejects(joinCluster({ server: server.url, token, dataDir: first, nodeName: 'join-p' }), /403: join refused: node join-p already joined from another machine/);
    const secret = await rest.request({ path: '/api/v1/namespaces/kube-system/secrets/join-p.node-password.skiff' }) as { type: string; data: Record<string, string> };
    assert.equal(secret.type, 'skiff.io/node-password');
    assert.ok(!JSON.stringify(secret).includes(readFileSync(join(second, 'node-password'), 'utf8').trim()), 'only a hash of the password is stored');
  } finally {
    await rest.request({ method: 'DELETE', path: '/api/v1/nodes/join-p' }).catch(() => undefined);
    rest.close();
  }
});

test('the join token is no API credential', async () => {
  const t = parseJoinToken(token);
  for (const bearer of [token, `${t.id}.${t.secret}`]) {
    const rest = new RestClient({ server: server.url, token: bearer, insecureSkipTLSVerify: true, namespace: 'default', contextName: 'x' });
    try {
      await assert.rejects(rest.request({ path: '/api/v1/namespaces' }), (err: unknown) => err instanceof StatusError && err.code === 401);
    } finally {
      rest.close();
    }
  }
});

test('skiff agent says why it refuses a token whose CA hash does not match', async () => {
  const t = parseJoinToken(token);
  const child = spawn(process.execPath, [join(repoRoot, 'bin/skiff'), 'agent', '--server', server.url, '--token', `K10${'f'.repeat(64)}::${t.id}.${t.secret}`, '--data-dir', tempDir(), '--node-name', 'join-c'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  assert.equal(code, 1);
  assert.match(stderr, /skiff agent: refusing to join https:\/\/127\.0\.0\.1:\d+: its CA certificate has sha256 [0-9a-f]{64}, but the token expects f{64}/);
});
