import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../types.js';
import { ago, create, ctx, lines, update } from '../testing.js';
import { cronjobs, jobs } from './index.js';
import { cronScheduleProblem } from './cronjob.js';

const podTemplate = (restartPolicy?: string) => ({ spec: { ...(restartPolicy ? { restartPolicy } : {}), containers: [{ name: 'pi', image: 'perl' }] } });

test('job defaults and the uid-based selector', () => {
  const job: KubeObject = { metadata: { name: 'pi', namespace: 'default', uid: 'u-1' }, spec: { template: podTemplate('Never') } };
  assert.deepEqual(create(jobs, job), []);
  const spec = job['spec'] as Record<string, unknown>;
  assert.deepEqual([spec['completions'], spec['parallelism'], spec['backoffLimit'], spec['completionMode'], spec['suspend'], spec['podReplacementPolicy']], [1, 1, 6, 'NonIndexed', false, 'TerminatingOrFailed']);
  assert.deepEqual(spec['selector'], { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
  assert.deepEqual((spec['template'] as { metadata: unknown }).metadata, {
    labels: { 'batch.kubernetes.io/controller-uid': 'u-1', 'controller-uid': 'u-1', 'batch.kubernetes.io/job-name': 'pi', 'job-name': 'pi' },
    creationTimestamp: null,
  });
  // Parallelism alone leaves completions unset.
  const par: KubeObject = { metadata: { name: 'p', namespace: 'default', uid: 'u-2' }, spec: { parallelism: 3, template: podTemplate('Never') } };
  create(jobs, par);
  assert.equal((par['spec'] as Record<string, unknown>)['completions'], undefined);
});

test('job validation: restart policy must be OnFailure or Never; template immutable', () => {
  const job: KubeObject = { metadata: { name: 'pi', namespace: 'default', uid: 'u' }, spec: { template: podTemplate() } };
  assert.deepEqual(lines(create(jobs, job)), ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
  const manual: KubeObject = { metadata: { name: 'm', namespace: 'default', uid: 'u' }, spec: { manualSelector: true, template: podTemplate('Never') } };
  assert.deepEqual(lines(create(jobs, manual)), ['spec.selector: Required value']);
  const ok: KubeObject = { metadata: { name: 'ok', namespace: 'default', uid: 'u' }, spec: { template: podTemplate('OnFailure') } };
  assert.deepEqual(create(jobs, ok), []);
  const changed = structuredClone(ok);
  ((changed['spec'] as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0] as Record<string, unknown>)['image'] = 'other';
  assert.deepEqual(lines(update(jobs, changed, ok)), ['spec.template: Invalid value: "<template>": field is immutable']);
  const suspended = structuredClone(ok);
  (suspended['spec'] as Record<string, unknown>)['suspend'] = true;
  assert.deepEqual(update(jobs, suspended, ok), []);
});

test('jobs table', () => {
  const cases: Array<[Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, unknown[]]> = [
    [{}, { completions: 1 }, { succeeded: 1, startTime: ago(100), completionTime: ago(40), conditions: [{ type: 'Complete', status: 'True' }] }, ['Complete', '1/1', '60s']],
    [{}, { completions: 3 }, { succeeded: 1, startTime: ago(30) }, ['Running', '1/3', '30s']],
    [{}, { parallelism: 2 }, { conditions: [{ type: 'Failed', status: 'True' }] }, ['Failed', '0/1 of 2', '']],
    [{ deletionTimestamp: ago(1) }, { completions: 1 }, {}, ['Terminating', '0/1', '']],
    [{}, { completions: 1 }, { conditions: [{ type: 'Suspended', status: 'True' }] }, ['Suspended', '0/1', '']],
  ];
  for (const [meta, spec, status, want] of cases) {
    const row = jobs.row({ metadata: { name: 'j', creationTimestamp: ago(200), ...meta }, spec: { ...spec, template: podTemplate('Never') }, status }, ctx);
    assert.deepEqual(row.slice(1, 4), want);
  }
  assert.deepEqual(jobs.columns.map((c) => c.name), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector']);
});

test('cronjob defaults, validation and table', () => {
  const cj: KubeObject = { metadata: { name: 'tick', namespace: 'default', creationTimestamp: ago(3600) }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: podTemplate('OnFailure') } } } };
  assert.deepEqual(create(cronjobs, cj), []);
  const spec = cj['spec'] as Record<string, unknown>;
  assert.deepEqual([spec['concurrencyPolicy'], spec['suspend'], spec['successfulJobsHistoryLimit'], spec['failedJobsHistoryLimit']], ['Allow', false, 3, 1]);
  assert.deepEqual((spec['jobTemplate'] as Record<string, unknown>)['metadata'], { creationTimestamp: null });
  cj['status'] = { active: [{ name: 'tick-1' }], lastScheduleTime: ago(90) };
  assert.deepEqual(cronjobs.row(cj, ctx), ['tick', '*/5 * * * *', '<none>', 'False', 1, '90s', '60m', 'pi', 'perl', '<none>']);
  const bad: KubeObject = { metadata: { name: 'x'.repeat(53), namespace: 'default' }, spec: { schedule: 'every minute', concurrencyPolicy: 'Sometimes', jobTemplate: { spec: { template: podTemplate() } } } };
  assert.deepEqual(lines(create(cronjobs, bad)), [
    `metadata.name: Invalid value: "${'x'.repeat(53)}": must be no more than 52 characters`,
    'spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: "every minute"',
    'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
  ]);
  for (const ok of ['@hourly', '0 0 * * MON-FRI', '15,45 */2 1-10 * *', 'CRON_TZ=UTC 0 3 * * *']) assert.equal(cronScheduleProblem(ok), undefined, ok);
});
