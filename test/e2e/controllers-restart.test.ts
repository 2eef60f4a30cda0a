/**
 * Controllers survive a server restart: the stopping manager releases its Lease, the new
 * one takes over at once, re-lists, and converges on what was asked while it was down.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { eventually, kubectlFor, startServer, type Kubectl, type TestServer } from './helpers/server.js';

describe('controllers across a server restart', { timeout: 120_000 }, () => {
  let server: TestServer | undefined;
  let k: Kubectl | undefined;
  let dataDir: string | undefined;

  after(async () => {
    await server?.stop();
    k?.cleanup();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('a Deployment scaled while the server was down converges after it restarts', async () => {
    server = await startServer({ extraArgs: ['--simulate-nodes', '2'] });
    dataDir = server.dataDir;
    k = kubectlFor(server.kubeconfigPath);
    const kc = k;
    const ok = async (args: string[]): Promise<string> => {
      const r = await kc.run(args);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    await ok(['create', 'deployment', 'durable', '--image=nginx', '--replicas=2']);
    await ok(['rollout', 'status', 'deployment/durable', '--timeout=30s']);
    const holderBefore = (await ok(['get', 'lease', 'skiff-controller-manager', '-n', 'kube-system', '-o', 'jsonpath={.spec.holderIdentity}'])).trim();

    await server.kill('SIGTERM');
    server = await startServer({ dataDir, ownsDataDir: false, extraArgs: ['--simulate-nodes', '2'] });
    assert.equal((await kc.run(['--kubeconfig', server.kubeconfigPath, 'version'])).code, 0);
    const k2 = kubectlFor(server.kubeconfigPath);
    try {
      const ok2 = async (args: string[]): Promise<string> => {
        const r = await k2.run(args);
        assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
        return r.stdout;
      };
      await ok2(['scale', 'deployment/durable', '--replicas=4']);
      await ok2(['rollout', 'status', 'deployment/durable', '--timeout=30s']);
      const holderAfter = (await ok2(['get', 'lease', 'skiff-controller-manager', '-n', 'kube-system', '-o', 'jsonpath={.spec.holderIdentity}'])).trim();
      assert.notEqual(holderAfter, holderBefore, 'a new manager leads');
      await eventually(async () => (await ok2(['get', 'pods', '-l', 'app=durable', '-o', 'name'])).trim().split('\n').filter(Boolean).length === 4, 20_000, 200);
      assert.equal((await ok2(['get', 'rs', '-l', 'app=durable', '-o', 'name'])).trim().split('\n').length, 1, 'the same ReplicaSet, not a new one');
    } finally {
      k2.cleanup();
    }
  });
});
