/**
 * What the workload kinds (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job) share:
 * label selectors that must match the pod template, template validation, replicas.
 */
import type { FieldError, KubeObject } from '../../types.js';
import { RenderedValue, forbidden, immutable, invalid, notSupported, required } from '../../meta/field-errors.js';
import { arrayAt, isRecord, jsonEqual, numberAt, recordAt, recordsAt, stringAt, type JsonRecord } from '../../meta/json.js';
import { validateLabels, validateAnnotations } from '../../meta/object-meta.js';
import { validatePodSpec } from '../core/pod-spec-validation.js';

const SELECTOR_OPERATORS = ['DoesNotExist', 'Exists', 'In', 'NotIn'];

/** Go's %#v of a map[string]string (keys sorted), as 1.32 servers print rejected values. */
export function goStringMap(map: unknown): string {
  if (!isRecord(map)) return 'map[string]string(nil)';
  const entries = Object.entries(map).sort(([a], [b]) => (a < b ? -1 : 1));
  return `map[string]string{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(String(v))}`).join(', ')}}`;
}

/** Go's %#v of a metav1.LabelSelector. */
export function goLabelSelector(selector: unknown): string {
  const exprs = arrayAt(selector, 'matchExpressions');
  const renderedExprs = exprs === undefined
    ? '[]v1.LabelSelectorRequirement(nil)'
    : `[]v1.LabelSelectorRequirement{${recordsAt(selector, 'matchExpressions').map((e) => {
      const values = arrayAt(e, 'values');
      const renderedValues = values === undefined ? '[]string(nil)' : `[]string{${values.map((v) => JSON.stringify(String(v))).join(', ')}}`;
      return `v1.LabelSelectorRequirement{Key:${JSON.stringify(stringAt(e, 'key') ?? '')}, Operator:${JSON.stringify(stringAt(e, 'operator') ?? '')}, Values:${renderedValues}}`;
    }).join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(recordAt(selector, 'matchLabels'))}, MatchExpressions:${renderedExprs}}`;
}

/** Whether a metav1.LabelSelector selects a set of labels. */
export function selectorMatches(selector: unknown, labels: Record<string, unknown>): boolean {
  const matchLabels = recordAt(selector, 'matchLabels') ?? {};
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  for (const expr of recordsAt(selector, 'matchExpressions')) {
    const key = stringAt(expr, 'key') ?? '';
    const values = (arrayAt(expr, 'values') ?? []).map(String);
    const has = key in labels;
    const value = has ? String(labels[key]) : undefined;
    switch (stringAt(expr, 'operator')) {
      case 'In': if (value === undefined || !values.includes(value)) return false; break;
      case 'NotIn': if (value !== undefined && values.includes(value)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

function selectorIsEmpty(selector: unknown): boolean {
  return Object.keys(recordAt(selector, 'matchLabels') ?? {}).length === 0 && recordsAt(selector, 'matchExpressions').length === 0;
}

export function validateLabelSelector(selector: JsonRecord, path: string): FieldError[] {
  const errs = validateLabels(selector['matchLabels'], `${path}.matchLabels`);
  recordsAt(selector, 'matchExpressions').forEach((expr, i) => {
    const ep = `${path}.matchExpressions[${i}]`;
    const op = stringAt(expr, 'operator') ?? '';
    const values = arrayAt(expr, 'values') ?? [];
    if (!SELECTOR_OPERATORS.includes(op)) errs.push(notSupported(`${ep}.operator`, op, SELECTOR_OPERATORS));
    else if ((op === 'In' || op === 'NotIn') && values.length === 0) errs.push(required(`${ep}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    else if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) errs.push(forbidden(`${ep}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    if (!stringAt(expr, 'key')) errs.push(required(`${ep}.key`));
  });
  return errs;
}

export interface TemplateRules {
  /** `deployment`, `replicaset`, ... for the empty-selector message. */
  readonly kindWord: string;
  /** Allowed template restart policies (Always for long-running workloads). */
  readonly restartPolicies: readonly string[];
  /** Path of the workload spec (`spec`, or `spec.jobTemplate.spec` for CronJobs). */
  readonly specPath?: string;
  /** Jobs may omit the selector (it is generated). */
  readonly selectorOptional?: boolean;
}

/** Selector, template labels and template PodSpec of a workload spec. */
export function validateWorkloadTemplate(spec: JsonRecord | undefined, rules: TemplateRules): FieldError[] {
  const base = rules.specPath ?? 'spec';
  const errs: FieldError[] = [];
  const selector = recordAt(spec, 'selector');
  const template = recordAt(spec, 'template');
  const labels = recordAt(recordAt(template, 'metadata'), 'labels') ?? {};
  if (!selector) {
    if (!rules.selectorOptional) errs.push(required(`${base}.selector`));
  } else if (selectorIsEmpty(selector)) {
    errs.push(invalid(`${base}.selector`, new RenderedValue(goLabelSelector(selector)), `empty selector is invalid for ${rules.kindWord}`));
  } else {
    errs.push(...validateLabelSelector(selector, `${base}.selector`));
    if (template && !selectorMatches(selector, labels)) {
      errs.push(invalid(`${base}.template.metadata.labels`, new RenderedValue(goStringMap(recordAt(recordAt(template, 'metadata'), 'labels'))), '`selector` does not match template `labels`'));
    }
  }
  if (!template) {
    errs.push(required(`${base}.template`));
    return errs;
  }
  const meta = recordAt(template, 'metadata');
  errs.push(...validateLabels(meta?.['labels'], `${base}.template.metadata.labels`));
  errs.push(...validateAnnotations(meta?.['annotations'], `${base}.template.metadata.annotations`));
  const podSpec = recordAt(template, 'spec');
  errs.push(...validatePodSpec(podSpec, `${base}.template.spec`));
  const restart = stringAt(podSpec, 'restartPolicy');
  if (restart !== undefined && !rules.restartPolicies.includes(restart)) errs.push(notSupported(`${base}.template.spec.restartPolicy`, restart, rules.restartPolicies));
  const deadline = podSpec?.['activeDeadlineSeconds'];
  if (deadline !== undefined && deadline !== null && rules.kindWord !== 'job') {
    errs.push(invalid(`${base}.template.spec.activeDeadlineSeconds`, deadline, 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  return errs;
}

export function validateReplicas(spec: JsonRecord | undefined, field: string): FieldError[] {
  const v = spec?.['replicas'];
  if (v === undefined || v === null) return [];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return [invalid(field, v, 'must be greater than or equal to 0')];
  return [];
}

export function nonNegative(spec: JsonRecord | undefined, key: string, path: string): FieldError[] {
  const v = numberAt(spec, key);
  return v !== undefined && v < 0 ? [invalid(`${path}.${key}`, v, 'must be greater than or equal to 0')] : [];
}

/** spec.selector may not change after creation (apps/v1 and batch). */
export function validateSelectorImmutable(obj: KubeObject, old: KubeObject, path = 'spec.selector'): FieldError[] {
  const sel = recordAt(recordAt(obj, 'spec'), 'selector');
  const oldSel = recordAt(recordAt(old, 'spec'), 'selector');
  return jsonEqual(sel ?? {}, oldSel ?? {}) ? [] : [immutable(path, new RenderedValue(goLabelSelector(sel)))];
}
