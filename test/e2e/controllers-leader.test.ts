/**
 * Leader election of controller managers on a real API server (started with
 * --no-controllers): one manager leads at a time; a stopped leader releases its Lease and a
 * waiting manager takes over and converges what changed meanwhile.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually, kubectlFor, startServer, type Kubectl, type TestServer } from './helpers/server.js';
import { connect, coreResources } from '../../src/client/typed/index.js';
import { SharedInformerFactory } from '../../src/client/informers/index.js';
import { startControllerManager, type RunningControllerManager } from '../../src/controllers/index.js';

describe('controller manager leader election', { timeout: 120_000 }, () => {
  let server: TestServer;
  let k: Kubectl;
  const managers: RunningControllerManager[] = [];

  before(async () => {
    server = await startServer({ extraArgs: ['--no-controllers'] });
    k = kubectlFor(server.kubeconfigPath);
  });
  after(async () => {
    for (const m of managers) await m.stop();
    await server?.stop();
    k?.cleanup();
  });

  function manager(identity: string): RunningControllerManager {
    const m = startControllerManager({
      rest: connect(server.kubeconfigPath, identity), identity, controllers: ['replicaset', 'deployment', 'garbagecollector'],
      leaseDurationSeconds: 3, retryPeriodMs: 200, log: () => undefined,
    });
    managers.push(m);
    return m;
  }

  const holder = async (): Promise<string> => (await k.run(['get', 'lease', 'skiff-controller-manager', '-n', 'kube-system', '-o', 'jsonpath={.spec.holderIdentity}'])).stdout.trim();
  const rsCount = async (): Promise<number> => (await k.run(['get', 'rs', '-o', 'name'])).stdout.trim().split('\n').filter(Boolean).length;

  test('one leader at a time; the follower takes over when the leader stops', async () => {
    const a = manager('manager-a');
    assert.equal(await a.ready, true);
    const b = manager('manager-b');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(a.isLeader(), true);
    assert.equal(b.isLeader(), false, 'the Lease is held: b waits');
    assert.equal(await holder(), 'manager-a');

    assert.equal((await k.run(['create', 'deployment', 'first', '--image=nginx', '--replicas=1'])).code, 0);
    await eventually(async () => (await rsCount()) === 1, 15_000, 200);

    await a.stop();
    assert.equal(await b.ready, true, 'b leads after a released the Lease');
    assert.equal(await holder(), 'manager-b');
    const lease = JSON.parse((await k.run(['get', 'lease', 'skiff-controller-manager', '-n', 'kube-system', '-o', 'json'])).stdout) as { spec: { leaseTransitions?: number } };
    assert.equal(lease.spec.leaseTransitions, 1);
    // What changed while nobody led is converged by the new leader.
    assert.equal((await k.run(['create', 'deployment', 'second', '--image=nginx', '--replicas=2'])).code, 0);
    await eventually(async () => (await rsCount()) === 2, 15_000, 200);
    await eventually(async () => (await k.run(['get', 'pods', '-l', 'app=second', '-o', 'name'])).stdout.trim().split('\n').filter(Boolean).length === 2, 15_000, 200);
  });

  test('a manager on shared informers uses them and leaves them running when it stops', async () => {
    for (const m of managers) await m.stop(); // releases the Lease
    const rest = connect(server.kubeconfigPath, 'shared-informers');
    const shared = new SharedInformerFactory(rest);
    const pods = shared.forResource(coreResources.pods);
    shared.start();
    try {
      const m = startControllerManager({ rest, identity: 'manager-shared', informers: shared, controllers: ['replicaset', 'deployment'], leaseDurationSeconds: 3, retryPeriodMs: 200, log: () => undefined });
      managers.push(m);
      assert.equal(await m.ready, true);
      assert.equal((await k.run(['create', 'deployment', 'third', '--image=nginx', '--replicas=2'])).code, 0);
      const mine = (): number => pods.lister.list().filter((p) => p.metadata?.labels?.['app'] === 'third').length;
      await eventually(() => mine() === 2, 15_000, 100);
      await m.stop();
      // The owner's informers still follow the cluster after the manager stopped.
      assert.equal((await k.run(['delete', 'pod', '-l', 'app=third', '--wait=false'])).code, 0);
      await eventually(() => mine() === 0, 15_000, 100);
    } finally {
      await shared.stop();
      rest.close();
    }
  });
});
