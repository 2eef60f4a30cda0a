import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKubectl } from '../run.js';
import type { IO } from '../factory.js';

function captureIO(): IO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; }, readStdin: async () => '' };
  return io;
}

test('config: current-context, get-contexts, use-context writes the file, view hides secrets', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-kubectl-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'config');
  writeFileSync(path, [
    'apiVersion: v1', 'kind: Config', 'current-context: a',
    'clusters:', '- name: c', '  cluster: {server: "https://127.0.0.1:1", certificate-authority-data: Q0E=}',
    'contexts:', '- name: a', '  context: {cluster: c, user: u}', '- name: b', '  context: {cluster: c, user: u, namespace: team}',
    'users:', '- name: u', '  user: {token: abc}', '',
  ].join('\n'));
  let io = captureIO();
  assert.equal(await runKubectl(['config', 'current-context', '--kubeconfig', path], io), 0);
  assert.equal(io.stdout, 'a\n');
  io = captureIO();
  await runKubectl(['config', 'get-contexts', '--kubeconfig', path], io);
  assert.equal(io.stdout, 'CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n*         a      c         u          \n          b      c         u          team\n');
  io = captureIO();
  assert.equal(await runKubectl(['config', 'use-context', 'b', '--kubeconfig', path], io), 0);
  assert.equal(io.stdout, 'Switched to context "b".\n');
  assert.match(readFileSync(path, 'utf8'), /current-context: b/);
  io = captureIO();
  assert.equal(await runKubectl(['config', 'use-context', 'zz', '--kubeconfig', path], io), 1);
  assert.equal(io.stderr, 'error: no context exists with the name: "zz"\n');
  io = captureIO();
  await runKubectl(['--kubeconfig', path, 'config', 'view'], io);
  assert.match(io.stdout, /certificate-authority-data: DATA\+OMITTED/);
  assert.match(io.stdout, /token: REDACTED/);
  assert.match(io.stdout, /current-context: b/);
});
