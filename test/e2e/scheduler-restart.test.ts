/**
 * The scheduler and hollow nodes across a `skiff server` restart (kill -9): nodes are found
 * again rather than duplicated, running pods keep their IPs, and a pod left Pending before
 * the crash is scheduled after it once a node matches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, kubectlFor, startServer } from './helpers/server.js';

test('pending and running pods survive a server crash; scheduling resumes', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-e2e-sched-restart-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const args = ['--simulate-nodes', '2', '--no-controllers'];
  const first = await startServer({ dataDir, ownsDataDir: false, extraArgs: args });
  t.after(() => first.stop());
  const kubectl = kubectlFor(first.kubeconfigPath);
  t.after(() => kubectl.cleanup());
  const field = async (pod: string, path: string): Promise<string> => (await kubectl.run(['get', 'pod', pod, '-o', `jsonpath=${path}`])).stdout;
  await eventually(async () => (await kubectl.run(['get', 'nodes', '--no-headers'])).stdout.trim().split('\n').length === 2, 15000);
  assert.equal((await kubectl.run(['run', 'steady', '--image=nginx'])).code, 0);
  await eventually(async () => (await field('steady', '{.status.phase}')) === 'Running', 15000);
  const ip = await field('steady', '{.status.podIP}');
  const pending = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'waiting' }, spec: { nodeSelector: { tier: 'gold' }, containers: [{ name: 'c', image: 'busybox' }] } });
  assert.equal((await kubectl.run(['apply', '-f', '-'], { stdin: pending })).code, 0);
  await eventually(async () => (await field('waiting', '{.status.conditions[0].reason}')) === 'Unschedulable', 15000);
  await first.kill('SIGKILL');

  const second = await startServer({ dataDir, ownsDataDir: false, extraArgs: args });
  t.after(() => second.stop());
  const again = kubectlFor(second.kubeconfigPath);
  t.after(() => again.cleanup());
  await eventually(async () => (await again.run(['get', 'nodes', '--no-headers'])).stdout.trim().split('\n').length === 2, 15000);
  assert.equal((await again.run(['label', 'node', 'hollow-node-1', 'tier=gold'])).code, 0);
  await eventually(async () => (await again.run(['get', 'pod', 'waiting', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', 20000);
  assert.equal((await again.run(['get', 'pod', 'waiting', '-o', 'jsonpath={.spec.nodeName}'])).stdout, 'hollow-node-1');
  assert.equal((await again.run(['get', 'pod', 'steady', '-o', 'jsonpath={.status.podIP}'])).stdout, ip);
  const nodes = (await again.run(['get', 'nodes', '--no-headers'])).stdout.trim().split('\n');
  assert.equal(nodes.length, 2);
});
