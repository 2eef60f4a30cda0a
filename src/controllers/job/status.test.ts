import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job, Pod } from '../base/objects.js';
import { countPods, decide } from './status.js';

const job = (spec: Partial<Job['spec']>): Job => ({ metadata: { name: 'j' }, spec: { template: {}, ...spec } });
const pod = (phase: string): Pod => ({ metadata: { name: phase }, status: { phase } });
const t0 = new Date('2026-01-01T00:00:00Z');

test('a Job keeps parallelism pods active, never more than the completions left', () => {
  assert.deepEqual(decide(job({ completions: 5, parallelism: 2 }), countPods([pod('Succeeded'), pod('Succeeded'), pod('Succeeded')]), t0, t0), { kind: 'running', wantActive: 2 });
  assert.deepEqual(decide(job({ completions: 5, parallelism: 3 }), countPods([pod('Succeeded'), pod('Succeeded'), pod('Succeeded'), pod('Running')]), t0, t0), { kind: 'running', wantActive: 2 });
  assert.deepEqual(decide(job({ completions: 2, parallelism: 2 }), countPods([pod('Succeeded'), pod('Succeeded')]), t0, t0), { kind: 'complete' });
});

test('work-queue Jobs complete when one pod succeeded and none is active', () => {
  assert.deepEqual(decide(job({ parallelism: 2 }), countPods([pod('Succeeded'), pod('Running')]), t0, t0), { kind: 'running', wantActive: 1 });
  assert.deepEqual(decide(job({ parallelism: 2 }), countPods([pod('Succeeded'), pod('Succeeded')]), t0, t0), { kind: 'complete' });
});

test('backoffLimit and activeDeadlineSeconds fail the Job with upstream reasons', () => {
  const failed = decide(job({ completions: 1, backoffLimit: 1 }), countPods([pod('Failed'), pod('Failed')]), t0, t0);
  assert.equal(failed.kind === 'failed' && failed.reason, 'BackoffLimitExceeded');
  assert.equal(decide(job({ completions: 1, backoffLimit: 2 }), countPods([pod('Failed'), pod('Failed')]), t0, t0).kind, 'running');
  const late = decide(job({ completions: 1, activeDeadlineSeconds: 10 }), countPods([pod('Running')]), t0, new Date(t0.getTime() + 10_000));
  assert.equal(late.kind === 'failed' && late.reason, 'DeadlineExceeded');
});

test('failed pods delay the next one: base * 2^(n-1) after the latest failure, capped', async () => {
  const { retryAfter } = await import('./status.js');
  const failed = (at: string): Pod => ({ metadata: { name: at, creationTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Failed', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: at }] } });
  assert.equal(retryAfter([], 10_000), undefined);
  assert.equal(retryAfter([failed('2026-01-01T00:00:10Z')], 10_000), Date.parse('2026-01-01T00:00:20Z'));
  assert.equal(retryAfter([failed('2026-01-01T00:00:10Z'), failed('2026-01-01T00:00:30Z')], 10_000), Date.parse('2026-01-01T00:00:50Z'));
  assert.equal(retryAfter(Array.from({ length: 12 }, () => failed('2026-01-01T00:00:00Z')), 10_000), Date.parse('2026-01-01T00:06:00Z'));
});
