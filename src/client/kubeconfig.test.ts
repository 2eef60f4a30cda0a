import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeConfig, resolveConnection } from './kubeconfig.js';

test('kubeconfig: KUBECONFIG files merge with the first definition winning; certificate data decoded', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-kubeconfig-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'b.yaml');
  writeFileSync(join(dir, 'ca.crt'), 'CA-PEM');
  writeFileSync(a, [
    'apiVersion: v1', 'kind: Config', 'current-context: one',
    'clusters:', '- name: c1', '  cluster: {server: "https://127.0.0.1:6443", certificate-authority: ca.crt}',
    'contexts:', '- name: one', '  context: {cluster: c1, user: u1, namespace: team}',
    'users:', '- name: u1', `  user: {client-certificate-data: ${Buffer.from('CERT').toString('base64')}, client-key-data: ${Buffer.from('KEY').toString('base64')}}`,
  ].join('\n'));
  writeFileSync(b, [
    'current-context: two',
    'clusters:', '- name: c1', '  cluster: {server: "https://ignored:1"}', '- name: c2', '  cluster: {server: "http://127.0.0.1:8080/"}',
    'contexts:', '- name: two', '  context: {cluster: c2, user: u2}',
    'users:', '- name: u2', '  user: {token: abc}',
  ].join('\n'));
  const loaded = loadKubeConfig({ env: { KUBECONFIG: `${a}:${join(dir, 'missing')}:${b}` } });
  assert.deepEqual(loaded.files, [a, b]);
  assert.equal(loaded.config['current-context'], 'one');
  const one = resolveConnection(loaded.config);
  assert.equal(one.server, 'https://127.0.0.1:6443');
  assert.equal(one.caPem, 'CA-PEM');
  assert.equal(one.certPem, 'CERT');
  assert.equal(one.keyPem, 'KEY');
  assert.equal(one.namespace, 'team');
  const two = resolveConnection(loaded.config, { context: 'two' });
  assert.equal(two.server, 'http://127.0.0.1:8080');
  assert.equal(two.token, 'abc');
  assert.equal(two.namespace, 'default');
  assert.throws(() => resolveConnection(loaded.config, { context: 'nope' }), /context was not found/);
});
