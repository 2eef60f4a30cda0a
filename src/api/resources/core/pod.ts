/** core/v1 Pod: the registry entry and its strategy (upstream pkg/registry/core/pod). */
import type { FieldError, KubeObject } from '../../types.js';
import { rfc3339 } from '../../meta/age.js';
import { defineResource } from '../../meta/define.js';
import { forbidden } from '../../meta/field-errors.js';
import { arrayAt, deepClone, ensureRecord, isRecord, jsonEqual, recordAt, recordsAt, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { parseQuantity } from '../../meta/quantity.js';
import { defaultPodOnly, defaultPodSpec } from './pod-spec-defaults.js';
import { validatePodSpec } from './pod-spec-validation.js';
import { admitServiceAccount } from './pod-sa-admission.js';
import { admitDefaultTolerations } from './pod-toleration-admission.js';
import { podColumns, podRow } from './pod-printer.js';
import { podQOSClass } from './pod-qos.js';

const MUTABLE_SPEC_MESSAGE = 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** The spec with every field a pod update may change blanked, to compare the rest. */
function immutablePart(spec: JsonRecord | undefined): JsonRecord {
  const copy = deepClone(spec ?? {});
  for (const key of ['containers', 'initContainers']) for (const c of recordsAt(copy, key)) delete c['image'];
  delete copy['activeDeadlineSeconds'];
  delete copy['terminationGracePeriodSeconds'];
  delete copy['tolerations'];
  delete copy['schedulingGates'];
  return copy;
}

function validatePodUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = recordAt(obj, 'spec');
  const oldSpec = recordAt(old, 'spec');
  const errs: FieldError[] = [];
  if (!jsonEqual(immutablePart(spec), immutablePart(oldSpec))) errs.push(forbidden('spec', MUTABLE_SPEC_MESSAGE));
  // Tolerations may only be added to.
  const oldTolerations = arrayAt(oldSpec, 'tolerations') ?? [];
  const newTolerations = arrayAt(spec, 'tolerations') ?? [];
  if (!oldTolerations.every((t) => newTolerations.some((n) => jsonEqual(n, t)))) {
    errs.push(forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
  }
  // Scheduling gates may only be removed.
  const oldGates = arrayAt(oldSpec, 'schedulingGates') ?? [];
  const newGates = arrayAt(spec, 'schedulingGates') ?? [];
  if (!newGates.every((g) => oldGates.some((o) => jsonEqual(o, g)))) {
    errs.push(forbidden('spec.schedulingGates', 'only deletion is allowed, but found new scheduling gate'));
  }
  return errs;
}

export const podStrategy = makeStrategy({
  hasStatus: true,
  usesGeneration: false,
  initialStatus(obj, ctx) {
    const status: JsonRecord = { phase: 'Pending', qosClass: podQOSClass(recordAt(obj, 'spec')) };
    // A pod with scheduling gates says so in its PodScheduled condition.
    if ((arrayAt(recordAt(obj, 'spec'), 'schedulingGates') ?? []).length > 0) {
      status['conditions'] = [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates', lastProbeTime: null, lastTransitionTime: rfc3339(ctx.now) }];
    }
    return status;
  },
  prepareForCreate(obj) {
    // Admission (ServiceAccount plugin): the token volume is added once, at create.
    admitServiceAccount(ensureRecord(obj as JsonRecord, 'spec'));
    // Admission (DefaultTolerationSeconds): bounded tolerations of not-ready/unreachable.
    admitDefaultTolerations(ensureRecord(obj as JsonRecord, 'spec'));
  },
  defaults(obj) {
    const spec = ensureRecord(obj as JsonRecord, 'spec');
    defaultPodSpec(spec);
    defaultPodOnly(spec);
  },
  validate(obj) {
    const spec = obj['spec'];
    return validatePodSpec(isRecord(spec) ? spec : undefined, 'spec');
  },
  validateUpdate: validatePodUpdate,
});

export const pods = defineResource({
  group: '', version: 'v1', kind: 'Pod', plural: 'pods', shortNames: ['po'], categories: ['all'], namespaced: true,
  subresources: ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'status'],
  schemaName: 'io.k8s.api.core.v1.Pod',
  strategy: podStrategy,
  columns: podColumns,
  row: podRow,
});
