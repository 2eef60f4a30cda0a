/**
 * The CronJob controller (upstream cronjob_controllerv2.go): at each scheduled time it
 * creates a Job from jobTemplate (named NAME-<minutes since epoch>, so a retry never makes
 * two), honouring suspend, startingDeadlineSeconds and concurrencyPolicy (Allow, Forbid,
 * Replace); tracks status.active, lastScheduleTime and lastSuccessfulTime; deletes finished
 * Jobs beyond the history limits; and wakes itself for the next scheduled time.
 */
import type { KubeObject, ObjectMeta } from '../../api/types.js';
import { isNotFound, StatusError } from '../../client/index.js';
import { keyOf, splitKey, type Informer } from '../../client/informers/index.js';
import { ResourceClient } from '../../client/typed/index.js';
import { QueueController, type ControllerContext } from '../base/controller.js';
import { stableJson } from '../base/hash.js';
import type { Job } from '../base/objects.js';
import { controllerRefOf, newControllerRef } from '../base/owners.js';
import { gvr } from '../base/resources.js';
import { finishedCondition } from '../job/status.js';
import { mostRecentMissed, parseSchedule } from './schedule.js';

interface ObjectRef { apiVersion?: string; kind?: string; name?: string; namespace?: string; uid?: string; resourceVersion?: string }

export interface CronJob extends KubeObject {
  metadata: ObjectMeta;
  spec: {
    schedule: string; timeZone?: string; startingDeadlineSeconds?: number; concurrencyPolicy?: string; suspend?: boolean;
    successfulJobsHistoryLimit?: number; failedJobsHistoryLimit?: number;
    jobTemplate: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Job['spec'] };
  };
  status?: { active?: ObjectRef[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
}

const stamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export class CronJobController extends QueueController {
  readonly name = 'cronjob';
  private cjInformer!: Informer<CronJob>;
  private jobInformer!: Informer<Job>;
  private readonly cjClient: ResourceClient<CronJob>;
  private readonly jobClient: ResourceClient<Job>;

  constructor(ctx: ControllerContext) {
    super(ctx, 1);
    this.cjClient = new ResourceClient<CronJob>(ctx.rest, gvr.cronJobs);
    this.jobClient = new ResourceClient<Job>(ctx.rest, gvr.jobs);
  }

  setup(): void {
    this.cjInformer = this.ctx.informers.forResource<CronJob>(gvr.cronJobs);
    this.jobInformer = this.ctx.informers.forResource<Job>(gvr.jobs);
    this.cjInformer.addEventHandler({ onAdd: (c) => this.enqueue(c), onUpdate: (_o, c) => this.enqueue(c) });
    const owner = (job: Job): void => {
      const ref = controllerRefOf(job);
      if (ref?.kind === 'CronJob' && job.metadata.namespace) this.queue.add(`${job.metadata.namespace}/${ref.name}`);
    };
    this.jobInformer.addEventHandler({ onAdd: owner, onUpdate: (_o, j) => owner(j), onDelete: owner });
  }

  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cj = this.cjInformer.lister.get(namespace, name);
    if (!cj || cj.metadata.deletionTimestamp) return;
    const now = this.ctx.now();
    const jobs = this.jobInformer.lister.list({ namespace: namespace ?? '' }).filter((j) => controllerRefOf(j)?.uid === cj.metadata.uid);
    const status = structuredClone(cj.status ?? {});
    const running = jobs.filter((j) => !finishedCondition(j) && !j.metadata.deletionTimestamp);
    for (const j of jobs) {
      if (finishedCondition(j) !== 'Complete') continue;
      const done = j.status?.completionTime;
      if (done && (!status.lastSuccessfulTime || Date.parse(done) > Date.parse(status.lastSuccessfulTime))) status.lastSuccessfulTime = done;
    }
    status.active = running.map((j) => this.refTo(j));
    let schedule;
    try {
      schedule = parseSchedule(cj.spec.schedule);
    } catch (err: unknown) {
      this.ctx.log(`cronjob: ${key} has an unparseable schedule`, { err: err instanceof Error ? err.message : String(err) });
      return this.writeStatus(cj, status);
    }
    if (!cj.spec.suspend) {
      const since = new Date(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? now.toISOString());
      const { time, missed } = mostRecentMissed(schedule, since, now);
      if (missed >= 100) this.ctx.log(`cronjob: ${key} missed too many start times (>100); check clock skew`);
      const deadline = cj.spec.startingDeadlineSeconds;
      const tooLate = time !== undefined && deadline !== undefined && deadline !== null && time.getTime() + deadline * 1000 < now.getTime();
      if (time && !tooLate) await this.startJob(cj, time, running, status);
      const upcoming = schedule.next(now);
      if (upcoming) this.queue.addAfter(keyOf(cj), upcoming.getTime() - now.getTime() + 100);
    }
    await this.writeStatus(cj, status);
    await this.trimHistory(cj, jobs);
  }

  private refTo(j: Job): ObjectRef {
    return { apiVersion: 'batch/v1', kind: 'Job', name: j.metadata.name ?? '', namespace: j.metadata.namespace ?? '', uid: j.metadata.uid ?? '', resourceVersion: j.metadata.resourceVersion ?? '' };
  }

  private async startJob(cj: CronJob, time: Date, running: Job[], status: NonNullable<CronJob['status']>): Promise<void> {
    const policy = cj.spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && running.length > 0) return;
    if (policy === 'Replace') {
      for (const j of running) {
        await this.jobClient.delete(j.metadata.namespace, j.metadata.name ?? '', { propagationPolicy: 'Background' }).catch((err: unknown) => { if (!isNotFound(err)) throw err; });
      }
      status.active = [];
    }
    const job: Job = {
      apiVersion: 'batch/v1', kind: 'Job',
      metadata: {
        name: `${cj.metadata.name}-${Math.floor(time.getTime() / 60_000)}`, namespace: cj.metadata.namespace ?? 'default',
        labels: { ...(cj.spec.jobTemplate.metadata?.labels ?? {}) },
        annotations: { ...(cj.spec.jobTemplate.metadata?.annotations ?? {}), [scheduledTimestampAnnotation]: time.toISOString().replace(/\.\d{3}Z$/, 'Z') },
        ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
      },
      spec: structuredClone(cj.spec.jobTemplate.spec),
    };
    let created: Job;
    try {
      created = await this.jobClient.create(job.metadata.namespace, job);
    } catch (err: unknown) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
      // Made by an earlier attempt whose status write was lost: just record the time.
      status.lastScheduleTime = stamp(time);
      return;
    }
    this.ctx.events('cronjob-controller', { apiVersion: 'batch/v1', kind: 'CronJob' }).event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    status.active = [...(status.active ?? []), this.refTo(created)];
    status.lastScheduleTime = stamp(time);
  }

  private async writeStatus(cj: CronJob, status: NonNullable<CronJob['status']>): Promise<void> {
    const next = { ...status };
    if (next.active?.length === 0) delete next.active;
    if (stableJson(next) === stableJson(cj.status ?? {})) return;
    try {
      await this.cjClient.updateStatus({ ...structuredClone(cj), status: next });
    } catch (err: unknown) {
      if (isNotFound(err) || (err instanceof StatusError && err.code === 409)) return;
      throw err;
    }
  }

  private async trimHistory(cj: CronJob, jobs: Job[]): Promise<void> {
    const finishedAt = (j: Job): number => Date.parse(j.status?.completionTime ?? j.metadata.creationTimestamp ?? '') || 0;
    const trim = async (kind: 'Complete' | 'Failed', limit: number): Promise<void> => {
      const done = jobs.filter((j) => finishedCondition(j) === kind && !j.metadata.deletionTimestamp).sort((a, b) => finishedAt(a) - finishedAt(b));
      for (const j of done.slice(0, Math.max(0, done.length - limit))) {
        await this.jobClient.delete(j.metadata.namespace, j.metadata.name ?? '', { propagationPolicy: 'Background' }).catch((err: unknown) => { if (!isNotFound(err)) throw err; });
      }
    };
    await trim('Complete', cj.spec.successfulJobsHistoryLimit ?? 3);
    await trim('Failed', cj.spec.failedJobsHistoryLimit ?? 1);
  }
}
