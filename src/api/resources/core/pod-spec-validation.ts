/**
 * Validation of a PodSpec, shared by Pods and pod templates. Covers the checks users hit
 * most: containers and their names/images/ports, enums, volumes and their mounts.
 */
import type { FieldError } from '../../types.js';
import { duplicate, forbidden, invalid, notSupported, required } from '../../meta/field-errors.js';
import { arrayAt, isRecord, numberAt, recordAt, recordsAt, stringAt, type JsonRecord } from '../../meta/json.js';
import { isDNS1123Label, isValidPortName } from '../../meta/names.js';
import { parseQuantity } from '../../meta/quantity.js';
import { validateLabels } from '../../meta/object-meta.js';

export const RESTART_POLICIES = ['Always', 'Never', 'OnFailure'] as const;
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TOLERATION_OPERATORS = ['Equal', 'Exists'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
/** 1.32 relaxes env names to printable ASCII without '='. */
const ENV_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;

/** `must be between 1 and 65535, inclusive`, upstream's port-range message. */
export function portRangeErrors(field: string, port: unknown, allowZero = false): FieldError[] {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    return [invalid(field, port, `must be between ${allowZero ? 0 : 1} and 65535, inclusive`)];
  }
  return [];
}

function validatePorts(c: JsonRecord, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  recordsAt(c, 'ports').forEach((p, i) => {
    const pp = `${path}.ports[${i}]`;
    const name = stringAt(p, 'name');
    if (name) {
      for (const problem of isValidPortName(name)) errs.push(invalid(`${pp}.name`, name, problem));
      if (names.has(name)) errs.push(duplicate(`${pp}.name`, name));
      names.add(name);
    }
    if (p['containerPort'] === undefined) errs.push(required(`${pp}.containerPort`));
    else errs.push(...portRangeErrors(`${pp}.containerPort`, p['containerPort']));
    if (p['hostPort'] !== undefined && p['hostPort'] !== 0) errs.push(...portRangeErrors(`${pp}.hostPort`, p['hostPort']));
    const protocol = stringAt(p, 'protocol');
    if (protocol !== undefined && !PROTOCOLS.includes(protocol)) errs.push(notSupported(`${pp}.protocol`, protocol, PROTOCOLS));
  });
  return errs;
}

/** securityContext.seccompProfile: localhostProfile exactly with Localhost, a path inside the node's folder. */
function validateSeccompProfile(securityContext: JsonRecord | undefined, path: string): FieldError[] {
  const sp = securityContext ? recordAt(securityContext, 'seccompProfile') : undefined;
  if (!sp) return [];
  const type = stringAt(sp, 'type');
  const local = sp['localhostProfile'];
  const lp = `${path}.seccompProfile.localhostProfile`;
  if (!type) return [required(`${path}.seccompProfile.type`)];
  if (type !== 'Localhost') return local === undefined || local === null ? [] : [invalid(lp, local, 'can only be set when seccomp type is Localhost')];
  if (typeof local !== 'string') return [required(lp, 'must be set when seccomp type is Localhost')];
  const errs: FieldError[] = [];
  if (local.startsWith('/')) errs.push(invalid(lp, local, 'must be a relative path'));
  if (local.split('/').includes('..')) errs.push(invalid(lp, local, "must not contain '..'"));
  return errs;
}

function validateContainer(c: JsonRecord, path: string, volumes: ReadonlySet<string>): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateSeccompProfile(recordAt(c, 'securityContext'), `${path}.securityContext`));
  const name = stringAt(c, 'name');
  if (!name) errs.push(required(`${path}.name`));
  else for (const p of isDNS1123Label(name)) errs.push(invalid(`${path}.name`, name, p));
  const image = stringAt(c, 'image');
  if (!image || image.trim() === '') errs.push(required(`${path}.image`));
  const pull = stringAt(c, 'imagePullPolicy');
  if (pull !== undefined && !PULL_POLICIES.includes(pull)) errs.push(notSupported(`${path}.imagePullPolicy`, pull, PULL_POLICIES));
  const tmp = stringAt(c, 'terminationMessagePolicy');
  if (tmp !== undefined && !TERMINATION_MESSAGE_POLICIES.includes(tmp)) errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, TERMINATION_MESSAGE_POLICIES));
  errs.push(...validatePorts(c, path));
  recordsAt(c, 'env').forEach((e, i) => {
    const name = stringAt(e, 'name');
    if (!name) errs.push(required(`${path}.env[${i}].name`));
    else if (!ENV_NAME.test(name)) errs.push(invalid(`${path}.env[${i}].name`, name, "a valid environment variable name must consist only of printable ASCII characters other than '='"));
  });
  errs.push(...validateResources(recordAt(c, 'resources'), `${path}.resources`));
  recordsAt(c, 'volumeMounts').forEach((m, i) => {
    const mp = `${path}.volumeMounts[${i}]`;
    const vol = stringAt(m, 'name');
    if (!vol) errs.push(required(`${mp}.name`));
    else if (!volumes.has(vol)) errs.push({ field: `${mp}.name`, type: 'FieldValueInvalid', message: `Not found: ${JSON.stringify(vol)}` });
    if (!stringAt(m, 'mountPath')) errs.push(required(`${mp}.mountPath`));
  });
  return errs;
}

/** Quantities must parse, be non-negative, and requests may not exceed limits. */
function validateResources(resources: JsonRecord | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limits = recordAt(resources, 'limits') ?? {};
  const requests = recordAt(resources, 'requests') ?? {};
  for (const [kind, list] of [['limits', limits], ['requests', requests]] as const) {
    for (const [name, value] of Object.entries(list)) {
      const n = parseQuantity(value);
      if (n === undefined) errs.push(invalid(`${path}.${kind}[${name}]`, value, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
      else if (n < 0) errs.push(invalid(`${path}.${kind}[${name}]`, value, 'must be greater than or equal to 0'));
    }
  }
  for (const [name, value] of Object.entries(requests)) {
    const request = parseQuantity(value);
    const limit = parseQuantity(limits[name]);
    if (request !== undefined && limit !== undefined && request > limit) {
      errs.push(invalid(`${path}.requests`, String(value), `must be less than or equal to ${name} limit of ${String(limits[name])}`));
    }
  }
  return errs;
}

const VOLUME_TYPES = ['hostPath', 'emptyDir', 'secret', 'nfs', 'iscsi', 'persistentVolumeClaim', 'rbd', 'cephfs', 'downwardAPI', 'fc', 'configMap', 'projected', 'csi', 'ephemeral', 'image', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'glusterfs', 'flexVolume', 'cinder', 'flocker', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos'];

function validateTolerations(spec: JsonRecord, path: string): FieldError[] {
  const errs: FieldError[] = [];
  recordsAt(spec, 'tolerations').forEach((t, i) => {
    const tp = `${path}.tolerations[${i}]`;
    const op = stringAt(t, 'operator');
    if (op !== undefined && op !== '' && !TOLERATION_OPERATORS.includes(op)) errs.push(notSupported(`${tp}.operator`, op, TOLERATION_OPERATORS));
    if (op === 'Exists' && stringAt(t, 'value')) errs.push(invalid(`${tp}.operator`, op, "value must be empty when `operator` is 'Exists'"));
    if (!stringAt(t, 'key') && op !== 'Exists') errs.push(invalid(`${tp}.operator`, op ?? '', "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
    const effect = stringAt(t, 'effect');
    if (effect !== undefined && effect !== '' && !TAINT_EFFECTS.includes(effect)) errs.push(notSupported(`${tp}.effect`, effect, TAINT_EFFECTS));
  });
  return errs;
}

/** Validates a PodSpec found at `path` (`spec` or `spec.template.spec`). */
export function validatePodSpec(spec: JsonRecord | undefined, path: string): FieldError[] {
  if (!spec) return [required(path)];
  const errs: FieldError[] = [];
  const volumes = new Set<string>();
  recordsAt(spec, 'volumes').forEach((v, i) => {
    const name = stringAt(v, 'name');
    const vp = `${path}.volumes[${i}].name`;
    if (!name) { errs.push(required(vp)); return; }
    for (const p of isDNS1123Label(name)) errs.push(invalid(vp, name, p));
    if (volumes.has(name)) errs.push(duplicate(vp, name));
    volumes.add(name);
    const types = VOLUME_TYPES.filter((t) => isRecord(v[t]));
    for (const extra of types.slice(1)) errs.push(forbidden(`${path}.volumes[${i}].${extra}`, 'may not specify more than 1 volume type'));
  });
  const containers = arrayAt(spec, 'containers');
  if (!containers || containers.length === 0) errs.push(required(`${path}.containers`));
  const seen = new Set<string>();
  for (const key of ['initContainers', 'containers']) {
    recordsAt(spec, key).forEach((c, i) => {
      const cp = `${path}.${key}[${i}]`;
      errs.push(...validateContainer(c, cp, volumes));
      const name = stringAt(c, 'name');
      if (name) {
        if (seen.has(name)) errs.push(duplicate(`${cp}.name`, name));
        seen.add(name);
      }
    });
  }
  const restart = stringAt(spec, 'restartPolicy');
  if (restart !== undefined && !(RESTART_POLICIES as readonly string[]).includes(restart)) errs.push(notSupported(`${path}.restartPolicy`, restart, RESTART_POLICIES));
  const dns = stringAt(spec, 'dnsPolicy');
  if (dns !== undefined && !DNS_POLICIES.includes(dns)) errs.push(notSupported(`${path}.dnsPolicy`, dns, DNS_POLICIES));
  const grace = numberAt(spec, 'terminationGracePeriodSeconds');
  if (grace !== undefined && grace < 0) errs.push(invalid(`${path}.terminationGracePeriodSeconds`, grace, 'must be greater than or equal to 0'));
  const deadline = spec['activeDeadlineSeconds'];
  if (deadline !== undefined && (typeof deadline !== 'number' || deadline <= 0)) errs.push(invalid(`${path}.activeDeadlineSeconds`, deadline, 'must be between 1 and 2147483647, inclusive'));
  errs.push(...validateLabels(spec['nodeSelector'], `${path}.nodeSelector`));
  errs.push(...validateTolerations(spec, path));
  errs.push(...validateSeccompProfile(recordAt(spec, 'securityContext'), `${path}.securityContext`));
  return errs;
}
