/**
 * Generic checks and bookkeeping of every write, whatever the kind: type meta against the
 * URL, namespace rules, names, system fields (uid, timestamps, generation), strategies.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FieldError, KubeObject, ResourceType } from '../../api/types.js';
import { groupVersionString } from '../../api/types.js';
import { errors } from '../../machinery/errors.js';
import { timestamp } from '../context.js';

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Kinds whose names must be DNS-1123 labels rather than subdomains. */
const labelNamedKinds = new Set(['/Namespace', '/Service']);

/** Body apiVersion/kind must match the URL's resource; missing ones are filled in. */
export function checkTypeMeta(rt: ResourceType, obj: KubeObject): void {
  const want = groupVersionString(rt.group, rt.version);
  if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
    throw errors.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${want})`);
  }
  if (obj.kind !== undefined && obj.kind !== rt.kind) {
    throw errors.badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${rt.kind}) for ${rt.plural}`);
  }
  if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
    throw errors.badRequest('metadata: must be an object');
  }
  obj.apiVersion = want;
  obj.kind = rt.kind;
  obj.metadata ??= {};
}

/** The body's namespace must agree with the URL's; cluster-scoped objects carry none. */
export function checkNamespace(rt: ResourceType, urlNamespace: string | undefined, obj: KubeObject): void {
  const meta = obj.metadata ?? (obj.metadata = {});
  if (!rt.namespaced) {
    delete meta.namespace;
    return;
  }
  if (meta.namespace && urlNamespace && meta.namespace !== urlNamespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (!urlNamespace) throw errors.badRequest(`${rt.plural} is a namespaced resource: the request needs a namespace in its path`);
  meta.namespace = urlNamespace;
}

/** Name characters that can never appear in a path segment. */
export function checkPathSegmentName(name: string): string | undefined {
  if (name === '.' || name === '..') return `may not be '${name}'`;
  if (name.includes('/') || name.includes('%')) return `may not contain '${name.includes('/') ? '/' : '%'}'`;
  return undefined;
}

export function validateObjectMeta(rt: ResourceType, obj: KubeObject): FieldError[] {
  const out: FieldError[] = [];
  const meta = obj.metadata ?? {};
  const name = meta.name ?? '';
  if (!name) {
    out.push({ field: 'metadata.name', type: 'FieldValueRequired', message: 'Required value: name or generateName is required' });
  } else {
    const label = labelNamedKinds.has(`${rt.group}/${rt.kind}`);
    const re = label ? dns1123Label : dns1123Subdomain;
    const max = label ? 63 : 253;
    const seg = checkPathSegmentName(name);
    if (seg) out.push({ field: 'metadata.name', type: 'FieldValueInvalid', message: `Invalid value: "${name}": ${seg}` });
    else if (name.length > max || !re.test(name)) {
      const what = label ? 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')'
        : 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')';
      out.push({ field: 'metadata.name', type: 'FieldValueInvalid', message: `Invalid value: "${name}": ${name.length > max ? `must be no more than ${max} characters` : what}` });
    }
  }
  for (const [field, map] of [['labels', meta.labels], ['annotations', meta.annotations]] as const) {
    if (map === undefined || map === null) continue;
    if (typeof map !== 'object' || Array.isArray(map)) { out.push({ field: `metadata.${field}`, type: 'FieldValueInvalid', message: 'Invalid value: must be a map of strings' }); continue; }
    for (const [k, v] of Object.entries(map)) {
      if (typeof v !== 'string') out.push({ field: `metadata.${field}`, type: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(v)}: value of ${JSON.stringify(k)} must be a string` });
    }
  }
  return out;
}

/** `generateName` + 5 random characters from upstream's alphabet (no vowels, no look-alikes). */
export function generatedName(prefix: string): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += alphabet[b % alphabet.length];
  return `${prefix.slice(0, 58)}${suffix}`;
}

/** System fields a client may not choose on create. */
export function initSystemFields(rt: ResourceType, obj: KubeObject, now: Date): void {
  const meta = obj.metadata ?? (obj.metadata = {});
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  meta.uid = randomUUID();
  meta.creationTimestamp = timestamp(now);
  if (rt.strategy.usesGeneration) meta.generation = 1;
  else delete meta.generation;
}

/** Metadata an update may not change, carried from the stored object. */
export function keepSystemFields(obj: KubeObject, old: KubeObject): void {
  const meta = obj.metadata ?? (obj.metadata = {});
  const prev = old.metadata ?? {};
  const m = meta as Record<string, unknown>;
  for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace', 'name'] as const) {
    if (prev[f] === undefined) delete m[f];
    else m[f] = prev[f];
  }
}

/** Everything but metadata and status: what a generation bump is about. */
export function specPart(obj: KubeObject): string {
  const { metadata: _m, status: _s, ...rest } = obj;
  return JSON.stringify(rest);
}

export function throwIfInvalid(rt: ResourceType, obj: KubeObject, found: readonly FieldError[]): void {
  if (found.length === 0) return;
  throw errors.invalid(rt.kind, rt.group, obj.metadata?.name ?? '', found);
}
