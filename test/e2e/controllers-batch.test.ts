/** Job and CronJob controllers with the real kubectl against `skiff server --simulate-nodes 3`. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from './helpers/server.js';
import { controllersCluster, nowhere } from './controllers-fixture.js';

const jobYaml = (o: { name: string; image: string; completions?: number; parallelism?: number; backoffLimit?: number; ttl?: number; nodeSelector?: string }) => `apiVersion: batch/v1
kind: Job
metadata: {name: ${o.name}}
spec:
${o.completions !== undefined ? `  completions: ${o.completions}\n` : ''}${o.parallelism !== undefined ? `  parallelism: ${o.parallelism}\n` : ''}${o.backoffLimit !== undefined ? `  backoffLimit: ${o.backoffLimit}\n` : ''}${o.ttl !== undefined ? `  ttlSecondsAfterFinished: ${o.ttl}\n` : ''}  template:
    spec:
      restartPolicy: Never
${o.nodeSelector ? `      nodeSelector: ${o.nodeSelector}\n` : ''}      containers: [{name: c, image: ${o.image}}]
`;

describe('batch controllers with the real kubectl', { timeout: 180_000 }, () => {
  const { ok, run } = controllersCluster({ nodes: 3, env: { SKIFF_JOB_BACKOFF_BASE_MS: '1000' }, failingPods: true });

  test('a Job runs its completions, parallelism at a time, and completes', async () => {
    await ok(['apply', '-f', '-'], jobYaml({ name: 'calc', image: 'busybox', completions: 3, parallelism: 2 }));
    await ok(['wait', '--for=condition=complete', 'job/calc', '--timeout=30s']);
    const job = JSON.parse(await ok(['get', 'job', 'calc', '-o', 'json'])) as { status: { succeeded?: number; active?: number; completionTime?: string } };
    assert.equal(job.status.succeeded, 3);
    assert.equal(job.status.active, undefined);
    assert.ok(job.status.completionTime);
    const pods = (await ok(['get', 'pods', '-l', 'job-name=calc', '-o', 'name'])).trim().split('\n');
    assert.equal(pods.length, 3, 'one pod per completion, none extra');
    assert.match(await ok(['get', 'job', 'calc']), /Complete\s+3\/3/);
  });

  test('a Job whose pods fail past backoffLimit fails with BackoffLimitExceeded', async () => {
    await ok(['apply', '-f', '-'], jobYaml({ name: 'broken', image: 'fails:1', backoffLimit: 1, nodeSelector: nowhere }));
    await ok(['wait', '--for=condition=failed', 'job/broken', '--timeout=30s']);
    const job = JSON.parse(await ok(['get', 'job', 'broken', '-o', 'json'])) as { status: { failed?: number; conditions: Array<{ type: string; reason?: string }> } };
    assert.equal(job.status.failed, 2);
    // The second pod waited out the failure backoff (1 s here, 10 s upstream).
    const created = JSON.parse(await ok(['get', 'pods', '-l', 'job-name=broken', '--sort-by=.metadata.creationTimestamp', '-o', 'json'])) as { items: Array<{ metadata: { creationTimestamp: string } }> };
    const [first, second] = created.items.map((p) => Date.parse(p.metadata.creationTimestamp));
    assert.ok(first !== undefined && second !== undefined && second - first >= 1000, `retried after ${String((second ?? 0) - (first ?? 0))} ms`);
    assert.equal(job.status.conditions.find((c) => c.type === 'Failed')?.reason, 'BackoffLimitExceeded');
  });

  test('ttlSecondsAfterFinished deletes the finished Job and, through the GC, its pods', async () => {
    await ok(['apply', '-f', '-'], jobYaml({ name: 'brief', image: 'busybox', ttl: 1 }));
    await eventually(async () => (await run(['get', 'job', 'brief'])).code === 1, 20_000, 200);
    await eventually(async () => (await ok(['get', 'pods', '-l', 'job-name=brief', '-o', 'name'])).trim() === '', 20_000, 200);
  });

  test('a CronJob runs a Job for a missed schedule, records it, and trims its history', async () => {
    await ok(['apply', '-f', '-'], `apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: "*/5 * * * *"
  successfulJobsHistoryLimit: 0
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: c, image: busybox}]
`);
    // Pretend the last run was long ago: the latest scheduled time since then is due now.
    const longAgo = new Date(Date.now() - 20 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await ok(['patch', 'cronjob', 'tick', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { lastScheduleTime: longAgo } })]);
    let cj: { status?: { lastScheduleTime?: string; lastSuccessfulTime?: string } } = {};
    await eventually(async () => {
      cj = JSON.parse(await ok(['get', 'cronjob', 'tick', '-o', 'json'])) as typeof cj;
      return cj.status?.lastSuccessfulTime !== undefined;
    }, 20_000, 200);
    const scheduled = Date.parse(cj.status?.lastScheduleTime ?? '');
    assert.ok(scheduled > Date.parse(longAgo), 'a newer schedule time was recorded');
    assert.equal(new Date(scheduled).getUTCMinutes() % 5, 0, 'on the schedule');
    // successfulJobsHistoryLimit 0: the finished Job is removed.
    await eventually(async () => (await ok(['get', 'jobs', '-o', 'name'])).split('\n').every((n) => !n.includes('tick-')), 20_000, 200);
  });
});
