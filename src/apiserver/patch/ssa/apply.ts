/**
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`): merges the applier's
 * configuration into the live object, records what it now sets as its Apply entry in
 * managedFields, removes what it set before and no longer sets (unless someone else owns
 * it), and refuses, unless forced, to change fields another manager owns.
 */
import type { SchemaResolver } from '../../../api/openapi-types.js';
import type { KubeObject, ManagedFieldsEntry } from '../../../api/types.js';
import { errors, type ApiError } from '../../../machinery/errors.js';
import { cloneJson, deepEqual, isObject, type JsonObject } from '../json.js';
import { SchemaView } from '../schema.js';
import type { ApplyConflict } from '../errors.js';
import { pathString, type FieldPath } from './fieldset.js';
import { syncLastApplied, upgradableFromClientSideApply } from './last-applied.js';
import { decodeManagedFields, describeManager, encodeManagedFields, rfc3339, sameManager, type Manager } from './managed.js';
import { mergeApplied, prune } from './merge.js';
import { typedContext } from './typed.js';
import { validateApplied } from './validate.js';
import { capUpdateManagers } from './cap.js';
import { compare, toFieldSet } from './walk.js';

export interface ServerSideApplyOptions {
  /** The live object, or undefined when apply creates it. */
  readonly live: KubeObject | undefined;
  /** The applied configuration (the request body, parsed). */
  readonly applied: unknown;
  readonly manager: string;
  readonly force: boolean;
  /** OpenAPI component of the kind, e.g. `io.k8s.api.core.v1.Pod`. */
  readonly schemaName: string;
  readonly resolver: SchemaResolver | undefined;
  readonly now: Date;
  /** `status` when applying to the status subresource. */
  readonly subresource?: string;
}

export type ServerSideApplyResult =
  | { readonly object: KubeObject; readonly managedFields: ManagedFieldsEntry[]; readonly conflicts?: undefined; readonly error?: undefined }
  | { readonly conflicts: ApplyConflict[]; readonly object?: undefined; readonly error?: undefined }
  | { readonly error: ApiError; readonly object?: undefined; readonly conflicts?: undefined };

/** The manager upstream invents to own what an object had before its first apply. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

export function serverSideApply(opts: ServerSideApplyOptions): ServerSideApplyResult {
  if (!isObject(opts.applied)) return { error: errors.badRequest('error decoding YAML: the applied configuration must be an object') };
  const config = withoutNulls(cloneJson(opts.applied)) as JsonObject;
  const configMeta = config.metadata;
  if (isObject(configMeta) && 'managedFields' in configMeta) {
    if (Array.isArray(configMeta.managedFields) && configMeta.managedFields.length > 0) {
      return { error: errors.badRequest('metadata.managedFields must be nil') };
    }
    delete configMeta.managedFields;
  }
  const view = new SchemaView(opts.resolver);
  const schema = view.component(opts.schemaName);
  const typed = typedContext(view, opts.subresource);
  const invalid = validateApplied(typed, config, schema);
  if (invalid) return { error: errors.badRequest(`failed to create typed patch object: ${invalid}`) };
  const live: JsonObject = cloneJson(opts.live ?? {});
  const apiVersion = String(config.apiVersion ?? live.apiVersion ?? '');

  const managers = decodeManagedFields(isObject(live.metadata) ? live.metadata.managedFields : undefined) ?? [];
  if (managers.length === 0 && opts.live) {
    const before = toFieldSet(typed, live, schema);
    if (!before.isEmpty()) managers.push({ manager: BEFORE_FIRST_APPLY, operation: 'Update', subresource: undefined, apiVersion, time: undefined, set: before });
  }
  const self = { manager: opts.manager, operation: 'Apply' as const, subresource: opts.subresource };
  const previous = managers.find((m) => sameManager(m, self));
  const others = managers.filter((m) => m !== previous);
  const appliedSet = toFieldSet(typed, config, schema);

  let merged = cloneJson(mergeApplied(typed, live, config, schema)) as JsonObject;
  if (previous) {
    const owned = others.reduce((acc, m) => acc.union(m.set), appliedSet);
    merged = prune(typed, merged, schema, previous.set.difference(owned), owned) as JsonObject;
  }
  const change = compare(typed, live, merged, schema);
  const changed = change.modified.union(change.added);

  let conflicts: Array<{ manager: Manager; path: FieldPath }> = [];
  for (const other of others) {
    for (const path of other.set.intersection(changed).paths()) conflicts.push({ manager: other, path });
  }
  if (conflicts.length > 0 && !opts.force && opts.manager === 'kubectl') {
    const allowed = upgradableFromClientSideApply(typed, live, apiVersion, schema);
    if (allowed) conflicts = conflicts.filter((c) => !allowed.has(c.path));
  }
  if (conflicts.length > 0 && !opts.force) {
    return { conflicts: conflicts.map((c) => ({ manager: describeManager(c.manager), field: pathString(c.path) })) };
  }

  for (const other of others) other.set = other.set.difference(changed).difference(change.removed);
  const objectChanged = !deepEqual(stripManagedFields(live), stripManagedFields(merged));
  const unchanged = previous !== undefined && !objectChanged && previous.set.equals(appliedSet) && previous.apiVersion === apiVersion;
  const mine: Manager = {
    ...self, apiVersion, set: appliedSet,
    time: unchanged ? previous.time : rfc3339(opts.now),
  };
  const managedFields = encodeManagedFields(capUpdateManagers([mine, ...others]));
  const metadata = isObject(merged.metadata) ? merged.metadata : (merged.metadata = {});
  metadata.managedFields = managedFields;
  syncLastApplied(metadata, config, opts.manager);
  return { object: merged as KubeObject, managedFields };
}

function stripManagedFields(obj: JsonObject): JsonObject {
  if (!isObject(obj.metadata)) return obj;
  const { managedFields: _ignored, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** An explicit `null` in an applied configuration means "not set": drop it. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  for (const [k, v] of Object.entries(value)) {
    if (v === null) delete value[k];
    else value[k] = withoutNulls(v);
  }
  return value;
}

