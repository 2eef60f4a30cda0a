/**
 * The Job controller: runs pods until `completions` succeed (or, without completions, until
 * one succeeds and the rest finish), at most `parallelism` at once; fails the Job past
 * backoffLimit failed pods or activeDeadlineSeconds; sets Complete/Failed with upstream's
 * reasons; deletes finished Jobs ttlSecondsAfterFinished later (the TTL-after-finished
 * controller's job, done here).
 */
import { isNotFound, StatusError } from '../../client/index.js';
import { keyOf, splitKey, type Informer } from '../../client/informers/index.js';
import { ResourceClient } from '../../client/typed/index.js';
import { labelSelectorFromObject } from '../../machinery/selectors.js';
import { claimObjects } from '../base/claim.js';
import { byControllerIndex, claimCandidates, type InformerIndex } from '../base/informer-index.js';
import { QueueController, type ControllerContext } from '../base/controller.js';
import { Expectations } from '../base/expectations.js';
import { stableJson } from '../base/hash.js';
import type { Job, Pod } from '../base/objects.js';
import { controllerRefOf, newControllerRef } from '../base/owners.js';
import { podFromTemplate } from '../base/pod-template.js';
import { gvr } from '../base/resources.js';
import { slowStartBatch } from '../base/slow-start.js';
import { podsToDelete } from '../replicaset/ranking.js';
import { countPods, decide, finishedCondition, retryAfter, type PodCounts } from './status.js';

const stamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class JobController extends QueueController {
  readonly name = 'job';
  readonly expectations = new Expectations();
  private jobInformer!: Informer<Job>;
  private podInformer!: Informer<Pod>;
  private podsByOwner!: InformerIndex<Pod>;
  private readonly jobClient: ResourceClient<Job>;
  private readonly podClient: ResourceClient<Pod>;

  /** backoffBaseMs: upstream's 10 s pod failure backoff base (shorter in tests). */
  constructor(ctx: ControllerContext, private readonly o: { backoffBaseMs?: number } = {}, workers = 2) {
    super(ctx, workers);
    this.jobClient = new ResourceClient<Job>(ctx.rest, gvr.jobs);
    this.podClient = new ResourceClient<Pod>(ctx.rest, gvr.pods);
  }

  setup(): void {
    this.jobInformer = this.ctx.informers.forResource<Job>(gvr.jobs);
    this.podInformer = this.ctx.informers.forResource<Pod>(gvr.pods);
    this.podsByOwner = byControllerIndex(this.podInformer);
    this.jobInformer.addEventHandler({ onAdd: (j) => this.enqueue(j), onUpdate: (_o, j) => this.enqueue(j), onDelete: (j) => { this.expectations.delete(keyOf(j)); } });
    const owner = (pod: Pod): Job | undefined => {
      const ref = controllerRefOf(pod);
      if (ref?.kind !== 'Job') return undefined;
      const job = this.jobInformer.lister.get(pod.metadata.namespace, ref.name);
      return job?.metadata.uid === ref.uid ? job : undefined;
    };
    this.podInformer.addEventHandler({
      onAdd: (pod) => { const j = owner(pod); if (j) { this.expectations.creationObserved(keyOf(j)); this.enqueue(j); } },
      onUpdate: (_old, pod) => { const j = owner(pod); if (j) this.enqueue(j); },
      onDelete: (pod) => { const j = owner(pod); if (j) { this.expectations.deletionObserved(keyOf(j)); this.enqueue(j); } },
    });
  }

  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const job = this.jobInformer.lister.get(namespace, name);
    if (!job) {
      this.expectations.delete(key);
      return;
    }
    const now = this.ctx.now();
    if (finishedCondition(job)) return this.expireIfDue(job, now);
    const sel = labelSelectorFromObject(job.spec.selector);
    if (!sel.ok) return;
    const pods = await claimObjects({ owner: job, ownerRef: newControllerRef(job, 'batch/v1', 'Job'), selector: sel.value, candidates: claimCandidates(this.podsByOwner, job), client: this.podClient });
    const counts = countPods(pods);
    const startTime = job.status?.startTime ? new Date(job.status.startTime) : now;
    const verdict = decide(job, counts, startTime, now);
    const status = structuredClone(job.status ?? {});
    status.startTime ??= stamp(startTime);
    if (verdict.kind === 'running') {
      const retryAt = retryAfter(pods.filter((p) => p.status?.phase === 'Failed'), this.o.backoffBaseMs ?? 10_000);
      const waiting = retryAt !== undefined && retryAt > now.getTime() && counts.active.length < verdict.wantActive;
      // After failures new pods wait out the backoff; the key comes back when it ends.
      if (waiting) this.queue.addAfter(key, retryAt - now.getTime() + 20);
      const want = waiting ? counts.active.length : verdict.wantActive;
      if (this.expectations.satisfied(key) && !job.metadata.deletionTimestamp) await this.manage(key, job, counts, want);
      const deadline = job.spec.activeDeadlineSeconds;
      if (deadline !== undefined && deadline !== null) this.queue.addAfter(key, startTime.getTime() + deadline * 1000 - now.getTime() + 50);
    } else {
      // Finished: no pod keeps running for a Job that is done.
      await Promise.all(counts.active.map((p) => this.podClient.delete(p.metadata.namespace, p.metadata.name ?? '').catch((err: unknown) => { if (!isNotFound(err)) throw err; })));
      const c = verdict.kind === 'complete'
        ? { type: 'Complete', status: 'True', lastProbeTime: stamp(now), lastTransitionTime: stamp(now) }
        : { type: 'Failed', status: 'True', reason: verdict.reason, message: verdict.message, lastProbeTime: stamp(now), lastTransitionTime: stamp(now) };
      status.conditions = [...(status.conditions ?? []), c];
      if (verdict.kind === 'complete') status.completionTime = stamp(now);
      if (verdict.kind === 'complete') this.ctx.events('job-controller', { apiVersion: 'batch/v1', kind: 'Job' }).event(job, 'Normal', 'Completed', 'Job completed');
      else this.ctx.events('job-controller', { apiVersion: 'batch/v1', kind: 'Job' }).event(job, 'Warning', verdict.reason, verdict.message);
      counts.active = [];
      counts.ready = 0;
    }
    await this.writeStatus(job, status, counts);
  }

  private async manage(key: string, job: Job, counts: PodCounts, wantActive: number): Promise<void> {
    const diff = counts.active.length - wantActive;
    if (diff < 0) {
      const want = -diff;
      this.expectations.expectCreations(key, want);
      const pod = podFromTemplate(job.spec.template, { namespace: job.metadata.namespace ?? 'default', generateName: `${job.metadata.name}-`, ownerRef: newControllerRef(job, 'batch/v1', 'Job') });
      const events = this.ctx.events('job-controller', { apiVersion: 'batch/v1', kind: 'Job' });
      const { successes, error } = await slowStartBatch(want, 1, async () => {
        const created = await this.podClient.create(pod.metadata.namespace, structuredClone(pod));
        events.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      });
      for (let i = successes; i < want; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
    } else if (diff > 0) {
      const victims = podsToDelete(counts.active, diff);
      this.expectations.expectDeletions(key, victims.length);
      for (const p of victims) {
        try {
          await this.podClient.delete(p.metadata.namespace, p.metadata.name ?? '');
        } catch (err: unknown) {
          this.expectations.deletionObserved(key);
          if (!isNotFound(err)) throw err;
        }
      }
    }
  }

  private async writeStatus(job: Job, status: NonNullable<Job['status']>, counts: PodCounts): Promise<void> {
    const next = { ...status, active: counts.active.length, succeeded: counts.succeeded, failed: counts.failed, ready: counts.ready, uncountedTerminatedPods: {} };
    for (const k of ['active', 'succeeded', 'failed'] as const) if (next[k] === 0) delete next[k];
    if (stableJson(next) === stableJson(job.status ?? {})) return;
    try {
      await this.jobClient.updateStatus({ ...structuredClone(job), status: next });
    } catch (err: unknown) {
      if (isNotFound(err) || (err instanceof StatusError && err.code === 409)) return;
      throw err;
    }
  }

  /** ttlSecondsAfterFinished: the Job (and, by the GC, its pods) goes that long after it finished. */
  private async expireIfDue(job: Job, now: Date): Promise<void> {
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl === undefined || ttl === null || job.metadata.deletionTimestamp) return;
    const finished = job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    const at = Date.parse(job.status?.completionTime ?? finished?.lastTransitionTime ?? '');
    if (!Number.isFinite(at)) return;
    const left = at + ttl * 1000 - now.getTime();
    if (left > 0) {
      this.queue.addAfter(keyOf(job), left + 50);
      return;
    }
    try {
      await this.jobClient.delete(job.metadata.namespace, job.metadata.name ?? '', { propagationPolicy: 'Background', preconditions: { uid: job.metadata.uid ?? '' } });
    } catch (err: unknown) {
      if (!isNotFound(err)) throw err;
    }
  }
}
