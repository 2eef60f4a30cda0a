/** batch/v1 CronJob: creates Jobs on a cron schedule. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, containersAndImages, containersColumn, createdAt, formatLabelSelector, imagesColumn, nameColumn, nameOf, selectorColumn } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { invalid, notSupported, required } from '../../meta/field-errors.js';
import { arrayAt, boolAt, ensureRecord, recordAt, setDefault, setDefaultString, stringAt, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { defaultPodTemplate } from '../core/pod-spec-defaults.js';
import { nonNegative } from '../apps/workload.js';
import { validateJobSpec } from './job.js';

const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
/** Job names are `<cronjob>-<11-digit time>`, and must stay a valid 63-character label value. */
const MAX_NAME = 52;

/** A light check of the five-field cron syntax (or a descriptor / @every). */
export function cronScheduleProblem(schedule: string): string | undefined {
  const s = schedule.replace(/^(CRON_)?TZ=\S+\s+/, '').trim();
  if (DESCRIPTORS.includes(s) || /^@every\s+\S+$/.test(s)) return undefined;
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: ${JSON.stringify(s)}`;
  const fieldRe = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?)*$/;
  const bad = fields.find((f) => !fieldRe.test(f));
  return bad === undefined ? undefined : `failed to parse ${JSON.stringify(bad)}`;
}

function defaultCronJob(obj: KubeObject): void {
  const spec = ensureRecord(obj as JsonRecord, 'spec');
  setDefaultString(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  const jobTemplate = ensureRecord(spec, 'jobTemplate');
  const meta = ensureRecord(jobTemplate, 'metadata');
  if (!('creationTimestamp' in meta)) meta['creationTimestamp'] = null;
  defaultPodTemplate(recordAt(recordAt(jobTemplate, 'spec'), 'template'));
}

function validateCronJob(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const name = obj.metadata?.name;
  if (name && name.length > MAX_NAME) errs.push(invalid('metadata.name', name, `must be no more than ${MAX_NAME} characters`));
  const spec = recordAt(obj, 'spec');
  const schedule = stringAt(spec, 'schedule');
  if (!schedule) errs.push(required('spec.schedule'));
  else {
    const problem = cronScheduleProblem(schedule);
    if (problem) errs.push(invalid('spec.schedule', schedule, problem));
  }
  const policy = stringAt(spec, 'concurrencyPolicy');
  if (policy !== undefined && !CONCURRENCY_POLICIES.includes(policy)) errs.push(notSupported('spec.concurrencyPolicy', policy, CONCURRENCY_POLICIES));
  for (const key of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) errs.push(...nonNegative(spec, key, 'spec'));
  const jobSpec = recordAt(recordAt(spec, 'jobTemplate'), 'spec');
  if (!jobSpec) errs.push(required('spec.jobTemplate.spec'));
  else errs.push(...validateJobSpec(jobSpec, 'spec.jobTemplate.spec', boolAt(jobSpec, 'manualSelector') !== true));
  return errs;
}

function cronJobRow(cj: KubeObject, ctx: StrategyContext): unknown[] {
  const spec = recordAt(cj, 'spec');
  const status = recordAt(cj, 'status');
  const suspend = boolAt(spec, 'suspend');
  const last = stringAt(status, 'lastScheduleTime');
  const jobSpec = recordAt(recordAt(spec, 'jobTemplate'), 'spec');
  const [containers, images] = containersAndImages(recordAt(recordAt(jobSpec, 'template'), 'spec'));
  return [
    nameOf(cj), stringAt(spec, 'schedule') ?? '', stringAt(spec, 'timeZone') ?? '<none>',
    suspend === undefined ? '<unset>' : suspend ? 'True' : 'False', (arrayAt(status, 'active') ?? []).length,
    last ? ageOf(last, ctx.now) : '<none>', ageOf(createdAt(cj), ctx.now),
    containers, images, formatLabelSelector(jobSpec?.['selector']),
  ];
}

export const cronjobs = defineResource({
  group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', shortNames: ['cj'], categories: ['all'], namespaced: true,
  subresources: ['status'],
  schemaName: 'io.k8s.api.batch.v1.CronJob',
  strategy: makeStrategy({
    hasStatus: true,
    initialStatus: () => ({}),
    defaults: defaultCronJob,
    validate: validateCronJob,
  }),
  columns: [
    nameColumn,
    column('Schedule', 'The schedule in Cron format.'),
    column('Timezone', 'The time zone name for the given schedule.'),
    column('Suspend', 'Whether subsequent executions are suspended.', { type: 'boolean' }),
    column('Active', 'The number of currently running jobs.', { type: 'integer' }),
    column('Last Schedule', 'When the job was last successfully scheduled.'),
    ageColumn, containersColumn, imagesColumn, selectorColumn,
  ],
  row: cronJobRow,
});
