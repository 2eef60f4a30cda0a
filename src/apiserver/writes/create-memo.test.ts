/**
 * Creates of the same shape reuse remembered schema results: the answers must be exactly
 * those of a full computation (managedFields keyed by list values, errors naming their own
 * object, unknown fields still refused after a clean object of another shape).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import type { KubeObject } from '../../api/types.js';
import { StatusError } from '../../client/errors.js';
import { restClientOver } from '../../client/transport-client.js';
import { serve } from '../wiring.js';
import { createFieldsKey, typeShapeKey } from './create-memo.js';

const podsPath = '/api/v1/namespaces/default/pods';
const pod = (name: string, container = 'c', extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'm' } },
  spec: { containers: [{ name: container, image: 'busybox', ports: [{ containerPort: 80 }], ...extra }] },
});

test('type-shape keys ignore values but not types or field names; create keys ignore identity only', () => {
  assert.equal(typeShapeKey('s', pod('a')), typeShapeKey('s', pod('b', 'other')));
  assert.notEqual(typeShapeKey('s', pod('a')), typeShapeKey('s', pod('a', 'c', { stdin: true })));
  assert.notEqual(typeShapeKey('s', { a: 1 }), typeShapeKey('s', { a: '1' }));
  assert.notEqual(typeShapeKey('s', { a: 1 }), typeShapeKey('s', { a: 1.5 }));
  assert.equal(createFieldsKey(pod('a'), 'm', 'v1', 's')?.key, createFieldsKey(pod('b'), 'm', 'v1', 's')?.key);
  assert.notEqual(createFieldsKey(pod('a'), 'm', 'v1', 's')?.key, createFieldsKey(pod('a', 'other'), 'm', 'v1', 's')?.key);
  assert.notEqual(createFieldsKey(pod('a'), 'm', 'v1', 's')?.key, createFieldsKey(pod('a'), 'n', 'v1', 's')?.key);
  // Values outside lists are leaves (label values, images); inside lists they may be keys.
  const labelled = (app: string, image: string, port: number): KubeObject => ({ ...pod('a'), metadata: { name: 'a', labels: { app } }, spec: { image, ports: [port] } });
  assert.equal(createFieldsKey(labelled('x', 'i1', 80), 'm', 'v1', 's')?.key, createFieldsKey(labelled('y', 'i2', 80), 'm', 'v1', 's')?.key);
  assert.notEqual(createFieldsKey(labelled('x', 'i1', 80), 'm', 'v1', 's')?.key, createFieldsKey(labelled('x', 'i1', 81), 'm', 'v1', 's')?.key);
  assert.notEqual(createFieldsKey(labelled('x', 'i1', 80), 'm', 'v1', 's')?.key, createFieldsKey({ ...labelled('x', 'i1', 80), metadata: { name: 'a', labels: { other: 'x' } } }, 'm', 'v1', 's')?.key);
  assert.equal(createFieldsKey({ ...pod('a'), metadata: { name: 'a', managedFields: [{ manager: 'x' }] } }, 'm', 'v1', 's'), undefined);
  const withVolume = (suffix: string): KubeObject => ({ ...pod('a'), spec: { volumes: [{ name: `kube-api-access-${suffix}` }] } });
  assert.equal(createFieldsKey(withVolume('abcde'), 'm', 'v1', 's')?.key, createFieldsKey(withVolume('vwxyz'), 'm', 'v1', 's')?.key);
  assert.equal(createFieldsKey(withVolume('abcde'), 'm', 'v1', 's')?.generated, 'kube-api-access-abcde');
});

test('remembered creates answer as computed ones', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-memo-'));
  const server = await serve({ dataDir, bindAddress: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  const api = restClientOver(server.inProcessTransport(), 'memo-test');
  t.after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const a = await api.create<KubeObject>(podsPath, pod('a'));
  const b = await api.create<KubeObject>(podsPath, pod('b'));
  const other = await api.create<KubeObject>(podsPath, pod('c', 'sidecar'));
  const relabelled = await api.create<KubeObject>(podsPath, { ...pod('r'), metadata: { name: 'r', labels: { app: 'other-value', tier: 'web' } } });
  // Each pod gets its own service-account volume (kube-api-access-xxxxx): the same up to that name.
  const fields = (o: KubeObject): unknown => JSON.parse(JSON.stringify(o.metadata?.managedFields?.map((m) => ({ ...m, time: undefined }))).replace(/kube-api-access-[a-z0-9]{5}/g, 'SA'));
  const volume = (o: KubeObject): string | undefined => /kube-api-access-[a-z0-9]{5}/.exec(JSON.stringify(o.spec))?.[0];
  assert.ok(volume(b) && volume(b) !== volume(a));
  assert.ok(JSON.stringify(b.metadata?.managedFields).includes(volume(b) ?? '?'), 'the remembered fields name this pod\'s own volume');
  assert.deepEqual(fields(b), fields(a));
  assert.match(JSON.stringify(fields(a)), /k:\{\\"name\\":\\"c\\"\}/);
  assert.match(JSON.stringify(fields(other)), /k:\{\\"name\\":\\"sidecar\\"\}/);
  assert.equal(typeof b.metadata?.managedFields?.[0]?.time, 'string');
  assert.match(JSON.stringify(relabelled.metadata?.managedFields), /f:tier/);
  // Changing a returned object does not change what later creates get.
  (a.metadata?.managedFields?.[0]?.fieldsV1 as Record<string, unknown>)['f:spec'] = {};
  assert.deepEqual(fields(await api.create<KubeObject>(podsPath, pod('d'))), fields(b));
  // Errors are still found, and name their own object, after clean objects were remembered.
  const reasonOf = async (body: KubeObject, query?: Record<string, string>): Promise<string> => {
    try {
      await api.create(podsPath, body, query);
    } catch (err: unknown) {
      if (err instanceof StatusError) return `${err.code} ${err.message}`;
      throw err;
    }
    return 'created';
  };
  assert.match(await reasonOf(pod('e', 'c', { stdin: 'yes' })), /^400 .*stdin/);
  assert.match(await reasonOf(pod('f', 'c', { bogus: 1 }), { fieldValidation: 'Strict' }), /^400 .*unknown field "spec.containers\[0\].bogus"/);
  assert.equal(await reasonOf(pod('g', 'c', { bogus: 1 }), { fieldValidation: 'Ignore' }), 'created');
  assert.equal((await api.get<{ spec: { containers: Array<Record<string, unknown>> } }>(`${podsPath}/g`)).spec.containers[0]?.['bogus'], undefined);
});
