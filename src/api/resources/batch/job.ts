/** batch/v1 Job: run-to-completion pods, with a generated selector tied to the job's uid. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf, humanDuration } from '../../meta/age.js';
import { ageColumn, column, containersColumn, createdAt, imagesColumn, nameColumn, nameOf, selectorColumn } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { immutable, invalid, notSupported, required } from '../../meta/field-errors.js';
import { boolAt, ensureRecord, jsonEqual, numberAt, recordAt, recordsAt, setDefault, setDefaultString, stringAt, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { defaultPodTemplate } from '../core/pod-spec-defaults.js';
import { templateCells } from '../apps/workload-columns.js';
import { nonNegative, validateSelectorImmutable, validateWorkloadTemplate } from '../apps/workload.js';

const COMPLETION_MODES = ['Indexed', 'NonIndexed'];
export const JOB_RESTART_POLICIES = ['OnFailure', 'Never'];

/** Defaults of a JobSpec (Jobs only; a CronJob's jobTemplate gets just the pod template ones). */
function defaultJob(obj: KubeObject): void {
  const spec = ensureRecord(obj as JsonRecord, 'spec');
  if (spec['completions'] === undefined && spec['parallelism'] === undefined) {
    spec['completions'] = 1;
    spec['parallelism'] = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', spec['backoffLimitPerIndex'] !== undefined ? 2147483647 : 6);
  setDefaultString(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefaultString(spec, 'podReplacementPolicy', spec['podFailurePolicy'] !== undefined ? 'Failed' : 'TerminatingOrFailed');
  for (const rule of recordsAt(recordAt(spec, 'podFailurePolicy'), 'rules')) {
    for (const c of recordsAt(rule, 'onPodConditions')) setDefaultString(c, 'status', 'True');
  }
  // A job without labels of its own takes its pod template's.
  const templateLabels = recordAt(recordAt(spec['template'], 'metadata'), 'labels');
  const meta = ensureRecord(obj as JsonRecord, 'metadata');
  if (templateLabels && Object.keys(recordAt(meta, 'labels') ?? {}).length === 0) meta['labels'] = { ...templateLabels };
  defaultPodTemplate(spec['template']);
  generateJobSelector(obj);
}

/**
 * Unless `manualSelector` is set, a job selects its pods by its own uid, and its template
 * carries the matching labels. Needs metadata.uid, so the caller assigns the uid first.
 */
export function generateJobSelector(obj: KubeObject): void {
  const uid = obj.metadata?.uid;
  const name = obj.metadata?.name;
  const spec = recordAt(obj, 'spec');
  if (!uid || !spec || boolAt(spec, 'manualSelector') === true || spec['selector'] !== undefined) return;
  spec['selector'] = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const template = ensureRecord(spec, 'template');
  const labels = ensureRecord(ensureRecord(template, 'metadata'), 'labels');
  setDefault(labels, 'batch.kubernetes.io/controller-uid', uid);
  setDefault(labels, 'controller-uid', uid);
  if (name) {
    setDefault(labels, 'batch.kubernetes.io/job-name', name);
    setDefault(labels, 'job-name', name);
  }
}

/** Validation of a JobSpec at `path` (shared with CronJob's jobTemplate). */
export function validateJobSpec(spec: JsonRecord | undefined, path: string, generatedSelector: boolean): FieldError[] {
  const errs = validateWorkloadTemplate(spec, { kindWord: 'job', restartPolicies: JOB_RESTART_POLICIES, specPath: path, selectorOptional: generatedSelector });
  for (const key of ['parallelism', 'completions', 'backoffLimit']) errs.push(...nonNegative(spec, key, path));
  const deadline = numberAt(spec, 'activeDeadlineSeconds');
  if (deadline !== undefined && deadline <= 0) errs.push(invalid(`${path}.activeDeadlineSeconds`, deadline, 'must be greater than or equal to 1'));
  const mode = stringAt(spec, 'completionMode');
  if (mode !== undefined && !COMPLETION_MODES.includes(mode)) errs.push(notSupported(`${path}.completionMode`, mode, COMPLETION_MODES));
  if (mode === 'Indexed' && spec?.['completions'] === undefined) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
  return errs;
}

function validateJob(obj: KubeObject): FieldError[] {
  const spec = recordAt(obj, 'spec');
  const manual = boolAt(spec, 'manualSelector') === true;
  // Without a uid the selector cannot be generated yet; only a manual one must be present.
  return validateJobSpec(spec, 'spec', !manual);
}

function validateJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = recordAt(obj, 'spec');
  const oldSpec = recordAt(old, 'spec');
  const errs = validateSelectorImmutable(obj, old);
  if (!jsonEqual(spec?.['template'], oldSpec?.['template'])) errs.push(immutable('spec.template', '<template>'));
  for (const key of ['completions', 'completionMode', 'podFailurePolicy', 'backoffLimitPerIndex']) {
    if (!jsonEqual(spec?.[key], oldSpec?.[key])) errs.push(immutable(`spec.${key}`, spec?.[key] ?? null));
  }
  return errs;
}

/** Whether the first condition of a type is True (upstream's hasJobCondition). */
function hasCondition(status: unknown, type: string): boolean {
  return stringAt(recordsAt(status, 'conditions').find((c) => stringAt(c, 'type') === type), 'status') === 'True';
}

/** Complete, Failed, Terminating, Suspended, FailureTarget or Running. */
export function jobStatusWord(job: KubeObject): string {
  const status = recordAt(job, 'status');
  if (hasCondition(status, 'Complete')) return 'Complete';
  if (hasCondition(status, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(status, 'Suspended')) return 'Suspended';
  if (hasCondition(status, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobRow(job: KubeObject, ctx: StrategyContext): unknown[] {
  const spec = recordAt(job, 'spec');
  const status = recordAt(job, 'status');
  const succeeded = numberAt(status, 'succeeded') ?? 0;
  const completions = numberAt(spec, 'completions');
  const parallelism = numberAt(spec, 'parallelism') ?? 0;
  const completionsCell = completions !== undefined ? `${succeeded}/${completions}` : parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
  const start = stringAt(status, 'startTime');
  const end = stringAt(status, 'completionTime');
  let duration = '';
  if (start) duration = humanDuration((end ? Date.parse(end) : ctx.now.getTime()) - Date.parse(start));
  return [nameOf(job), jobStatusWord(job), completionsCell, duration, ageOf(createdAt(job), ctx.now), ...templateCells(job)];
}

export const jobColumns = [
  nameColumn,
  column('Status', 'Status of the job.'),
  column('Completions', 'The completed and desired completions.'),
  column('Duration', 'Time required to complete the job.'),
  ageColumn, containersColumn, imagesColumn, selectorColumn,
];

export const jobs = defineResource({
  group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', categories: ['all'], namespaced: true,
  subresources: ['status'],
  schemaName: 'io.k8s.api.batch.v1.Job',
  strategy: makeStrategy({
    hasStatus: true,
    initialStatus: () => ({}),
    prepareForCreate: generateJobSelector,
    defaults: defaultJob,
    validate: validateJob,
    validateUpdate: validateJobUpdate,
  }),
  columns: jobColumns,
  row: jobRow,
});

