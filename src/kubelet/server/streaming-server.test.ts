/**
 * The agent's streaming endpoint over real TLS: the API server's kubelet-client certificate
 * (made by src/apiserver/node-proxy-cert.ts from a real cluster PKI) gets through to the
 * agent's handlers, plain and upgraded, for pods bound to this node only; a caller without
 * a certificate fails the handshake; who counts as the API server.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PeerCertificate } from 'node:tls';
import type { KubeObject } from '../../api/types.js';
import type { SubresourceHandler, UpgradeHandler } from '../../apiserver/index.js';
import { ensurePki } from '../../apiserver/auth/pki.js';
import { ensureKubeletClientCert } from '../../apiserver/node-proxy-cert.js';
import { parseStreamingPort } from './agent-streaming.js';
import { isApiServerClient, selfSignedServingCert } from './serving-cert.js';
import { startStreamingServer } from './streaming-server.js';

const pods: Record<string, KubeObject> = {
  here: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'here', namespace: 'default' }, spec: { nodeName: 'n1' } },
  elsewhere: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'elsewhere', namespace: 'default' }, spec: { nodeName: 'n2' } },
};

function call(opts: RequestOptions): Promise<{ status: number; body: string; upgraded?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', rejectUnauthorized: false, agent: false, ...opts }, (res: IncomingMessage) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('upgrade', (res, socket, head: Buffer) => {
      const done = (d: Buffer): void => { socket.destroy(); resolve({ status: res.statusCode ?? 0, body: '', upgraded: d.toString() }); };
      if (head.length > 0) done(head);
      else socket.once('data', done);
    });
    req.on('error', reject);
    req.end();
  });
}

test('the streaming endpoint serves the API server\'s certificate only, for pods of this node', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-streaming-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const pki = await ensurePki(join(dir, 'pki'), ['127.0.0.1']);
  const client = await ensureKubeletClientCert(join(dir, 'pki'));
  // Made once, then reused.
  assert.deepEqual(await ensureKubeletClientCert(join(dir, 'pki')), client);
  const seen: string[] = [];
  const log: SubresourceHandler = async (_req, res, target) => {
    seen.push(`log ${target.name} ${target.query.get('container') ?? ''}`);
    res.end('log lines\n');
  };
  const exec: UpgradeHandler = (_req, socket, _head, target) => {
    seen.push(`exec ${target.name}`);
    socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nhello');
  };
  const server = await startStreamingServer({
    nodeName: 'n1', host: '127.0.0.1', port: 0, clientCaPem: pki.caCert, serving: await selfSignedServingCert(['127.0.0.1']),
    handlers: { subresource: new Map([['/pods/log', log]]), upgrade: new Map([['/pods/exec', exec]]) },
    getPod: (_ns, name) => Promise.resolve(pods[name]),
  });
  t.after(() => server.close());
  const base = { port: server.port, cert: client.certPem, key: client.keyPem };

  const ok = await call({ ...base, path: '/api/v1/namespaces/default/pods/here/log?container=c' });
  assert.deepEqual([ok.status, ok.body], [200, 'log lines\n']);
  const up = await call({ ...base, path: '/api/v1/namespaces/default/pods/here/exec?command=true', headers: { Connection: 'Upgrade', Upgrade: 'websocket' } });
  assert.equal(up.status, 101);
  assert.equal(up.upgraded, 'hello');
  assert.deepEqual(seen, ['log here c', 'exec here']);

  const other = await call({ ...base, path: '/api/v1/namespaces/default/pods/elsewhere/log' });
  assert.equal(other.status, 400);
  assert.match(JSON.parse(other.body).message, /not bound to node n1/);
  assert.equal((await call({ ...base, path: '/api/v1/namespaces/default/pods/gone/log' })).status, 404);
  assert.equal((await call({ ...base, path: '/api/v1/namespaces/default/pods/here/attach' })).status, 400);
  // A cluster admin's certificate (O=system:masters) is accepted too.
  assert.equal((await call({ port: server.port, cert: pki.adminCert, key: pki.adminKey, path: '/api/v1/namespaces/default/pods/here/log' })).status, 200);
  await assert.rejects(call({ port: server.port, path: '/api/v1/namespaces/default/pods/here/log' }));
  assert.equal(seen.length, 3);
});

test('who counts as the API server; --streaming-port values', () => {
  const subject = (s: Record<string, string | string[]>): PeerCertificate => ({ subject: s } as unknown as PeerCertificate);
  assert.equal(isApiServerClient(subject({ CN: 'skiff-apiserver-kubelet-client', O: 'system:masters' })), true);
  assert.equal(isApiServerClient(subject({ CN: 'admin', O: ['other', 'system:masters'] })), true);
  assert.equal(isApiServerClient(subject({ CN: 'system:node:n2', O: 'system:nodes' })), false);
  assert.equal(isApiServerClient(undefined), false);
  assert.equal(parseStreamingPort('10250'), 10250);
  assert.equal(parseStreamingPort('0'), 0);
  assert.equal(parseStreamingPort('-1'), undefined);
  assert.throws(() => parseStreamingPort('70000'), /out of range/);
  assert.throws(() => parseStreamingPort('x'), /not a port/);
});
