/**
 * The Unschedulable status write is conditional on the pod the attempt saw: a pod bound in
 * the meantime keeps PodScheduled=True (against a real API server, in-process).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { serve } from '../apiserver/index.js';
import { StatusError } from '../client/errors.js';
import { restClientOver } from '../client/transport-client.js';
import { ResourceClient, coreResources } from '../client/typed/index.js';
import type { Pod } from './framework/api.js';
import { applyFailure } from './status-updates.js';

test('a failure status is written for the pod as seen, and refused once the pod was bound', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-sched-status-'));
  const server = await serve({ dataDir, bindAddress: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  t.after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const rest = restClientOver(server.inProcessTransport(), 'status-test');
  const pods = new ResourceClient<Pod>(rest, coreResources.pods);
  const body = (name: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }) as Pod;
  const condition = async (name: string): Promise<string | undefined> => {
    const p = await pods.get('default', name);
    const c = p.status?.conditions?.find((x) => x.type === 'PodScheduled');
    return c ? `${c.status} ${c.reason ?? ''}`.trim() : undefined;
  };

  const fresh = await pods.create('default', body('fresh'));
  await applyFailure(pods, fresh, '0/0 nodes are available', undefined);
  assert.equal(await condition('fresh'), 'False Unschedulable');

  const seen = await pods.create('default', body('bound'));
  await rest.create('/api/v1/namespaces/default/pods/bound/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { kind: 'Node', name: 'n1' } });
  await assert.rejects(applyFailure(pods, seen, '0/0 nodes are available', undefined), (err: unknown) => err instanceof StatusError && err.code === 409);
  assert.equal(await condition('bound'), 'True');
});
