/**
 * managedFields bookkeeping for ordinary writes (create, update, patch, subresource
 * writes): the writer's Update entry gains every field the write added or changed, and
 * other managers lose those fields (a write takes ownership, as upstream's force update)
 * and any field the write removed.
 */
import type { SchemaResolver } from '../../../api/openapi-types.js';
import type { KubeObject, ManagedFieldsEntry } from '../../../api/types.js';
import { isObject } from '../json.js';
import { SchemaView } from '../schema.js';
import { FieldSet } from './fieldset.js';
import { decodeManagedFields, encodeManagedFields, rfc3339, sameManager, type Manager } from './managed.js';
import { capUpdateManagers } from './cap.js';
import { typedContext } from './typed.js';
import { compare } from './walk.js';

export interface UpdateManagedFieldsOptions {
  /** The object before the write; undefined for a create. */
  readonly old: KubeObject | undefined;
  /** The object as it will be stored. */
  readonly updated: KubeObject;
  /** `fieldManager` of the request, or the default upstream derives from the user agent (e.g. `kubectl-edit`). */
  readonly manager: string;
  readonly operation: 'Update';
  readonly subresource?: string;
  readonly now: Date;
  /** The API version the request used, e.g. `v1` or `apps/v1`. */
  readonly apiVersion: string;
  readonly schemaName: string;
  readonly resolver: SchemaResolver | undefined;
}

/**
 * The managedFields to store with `updated`. The incoming object's own managedFields are used
 * when a client sent some (it may rewrite them); otherwise the old object's are carried over.
 */
export function updateManagedFields(opts: UpdateManagedFieldsOptions): ManagedFieldsEntry[] {
  const view = new SchemaView(opts.resolver);
  const schema = view.component(opts.schemaName);
  const typed = typedContext(view, opts.subresource);
  const sent = opts.updated.metadata?.managedFields;
  // Upstream's documented way to clear ownership: write managedFields as one empty entry.
  if (Array.isArray(sent) && sent.length === 1 && isObject(sent[0]) && Object.keys(sent[0]).length === 0) return [];
  const fromRequest = Array.isArray(sent) && sent.length > 0 ? decodeManagedFields(sent) : undefined;
  const managers = fromRequest ?? decodeManagedFields(opts.old?.metadata?.managedFields) ?? [];
  const change = compare(typed, opts.old ?? {}, opts.updated, schema);
  const changed = change.modified.union(change.added);

  const self = { manager: opts.manager, operation: opts.operation, subresource: opts.subresource };
  let mine = managers.find((m) => sameManager(m, self));
  for (const m of managers) {
    if (m !== mine) m.set = m.set.difference(changed).difference(change.removed);
  }
  if (!mine) {
    mine = { ...self, apiVersion: opts.apiVersion, time: undefined, set: new FieldSet() };
    managers.push(mine);
  }
  mine.set = mine.set.difference(change.removed).union(changed);
  mine.apiVersion = opts.apiVersion;
  if (!changed.isEmpty()) mine.time = rfc3339(opts.now);
  return encodeManagedFields(capUpdateManagers(managers));
}

/** `updated` with its managedFields replaced (a convenience for the write path). */
export function withManagedFields(obj: KubeObject, managedFields: ManagedFieldsEntry[]): KubeObject {
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  return { ...obj, metadata: { ...metadata, managedFields } };
}
