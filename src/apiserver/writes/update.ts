/**
 * PUT and the shared tail of every update (PUT, PATCH, status, scale): carry system fields,
 * run the update strategy, bump generation, record managedFields, finish deletion when the
 * last finalizer goes, skip no-op writes, and compare-and-swap in the store.
 */
import type { KubeObject, ResourceType } from '../../api/types.js';
import { errors } from '../../machinery/errors.js';
import type { ApiContext } from '../context.js';
import type { StoredObject } from '../storage/objects.js';
import { checkFields, statusPartFor } from './field-validation.js';
import { checkNamespace, checkTypeMeta, keepSystemFields, specPart, throwIfInvalid, validateObjectMeta } from './meta.js';
import type { WriteOptions } from './options.js';
import { sameJson } from '../patch/json.js';

/** Thrown inside an update attempt when the store moved on; the caller retries. */
export class LostRace extends Error {}

const maxAttempts = 8;

/** Runs `attempt` until it does not lose a compare-and-swap race. */
export async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err: unknown) {
      if (!(err instanceof LostRace) || i + 1 >= maxAttempts) throw err;
    }
  }
}

export interface UpdateArgs {
  readonly rt: ResourceType;
  readonly current: StoredObject;
  readonly updated: KubeObject;
  readonly opts: WriteOptions;
  readonly subresource?: string;
  readonly operation?: 'Update' | 'Apply';
  /** Set when the caller already computed managedFields (server-side apply). */
  readonly managedFieldsDone?: boolean;
}

export async function finishUpdate(ctx: ApiContext, a: UpdateArgs): Promise<KubeObject> {
  const { rt, current, opts } = a;
  const old = current.object;
  const now = ctx.now();
  let obj = a.updated;
  if (a.subresource === 'status') {
    // Only status comes from the request. The rest is the stored object's own (a private
    // decode): shared, not cloned, so the managedFields comparison skips it by reference;
    // metadata is copied, as it is written to below.
    obj = { ...old, metadata: structuredClone(old.metadata ?? {}), status: obj.status };
  } else if (a.subresource === 'finalize') {
    // namespaces/finalize changes spec.finalizers and nothing else.
    const finalizers = (obj.spec as { finalizers?: unknown } | undefined)?.finalizers;
    obj = structuredClone(old);
    obj.spec = { ...(obj.spec as object | undefined), finalizers };
  } else if (rt.subresources.includes('status') && a.subresource === undefined) {
    if (old.status === undefined) delete obj.status;
    else obj.status = structuredClone(old.status);
  }
  keepSystemFields(obj, old);
  const meta = obj.metadata ?? (obj.metadata = {});
  if (a.subresource === undefined) {
    rt.strategy.prepareForUpdate?.(obj, old, { now });
    rt.strategy.defaults?.(obj);
    throwIfInvalid(rt, obj, rt.strategy.validate ? rt.strategy.validate(obj, old) : validateObjectMeta(rt, obj));
  } else {
    rt.strategy.defaults?.(obj);
  }
  if (rt.strategy.usesGeneration && specPart(obj) !== specPart(old)) meta.generation = (old.metadata?.generation ?? 0) + 1;
  if (!a.managedFieldsDone) {
    meta.managedFields = ctx.patcher.managedFieldsAfterUpdate({ old, updated: obj, manager: opts.fieldManager, ...(a.subresource ? { subresource: a.subresource } : {}), now, apiVersion: String(obj.apiVersion), schemaName: rt.schemaName });
  }
  meta.resourceVersion = old.metadata?.resourceVersion;
  if (sameIgnoringManagedFieldTimes(obj, old)) return old;
  if (opts.dryRun) return obj;
  // The last finalizer gone from an object whose deletion is due (no grace period left): it goes.
  if (meta.deletionTimestamp && (meta.deletionGracePeriodSeconds ?? 0) === 0 && (meta.finalizers ?? []).length === 0 && !hasSpecFinalizers(rt, obj)) {
    const gone = await ctx.storage.delete(rt, meta.namespace, meta.name ?? '', current.modRevision);
    if (!gone) throw new LostRace();
    ctx.hooks.afterWrite(rt, 'delete', gone);
    return gone;
  }
  await ctx.hooks.beforeStore?.(rt, obj, old);
  const stored = await ctx.storage.update(rt, obj, current.modRevision);
  if (!stored) throw new LostRace();
  ctx.hooks.afterWrite(rt, 'update', stored);
  return stored;
}

/** Namespaces also wait for spec.finalizers (the namespace lifecycle empties them). */
function hasSpecFinalizers(rt: ResourceType, obj: KubeObject): boolean {
  if (rt.group !== '' || rt.kind !== 'Namespace') return false;
  const f = (obj.spec as { finalizers?: unknown[] } | undefined)?.finalizers;
  return Array.isArray(f) && f.length > 0;
}

/**
 * Whether a write would store what is there already, managedFields times aside (such a write
 * is skipped, as upstream skips writes whose encoding is unchanged). Compared as values, not
 * encoded: subtrees the write shares with the stored object cost nothing.
 */
export function sameIgnoringManagedFieldTimes(a: KubeObject, b: KubeObject): boolean {
  const { metadata: ma, ...ra } = a;
  const { metadata: mb, ...rb } = b;
  const { managedFields: fa, ...restA } = ma ?? {};
  const { managedFields: fb, ...restB } = mb ?? {};
  if (!sameJson(ra, rb) || !sameJson(restA, restB)) return false;
  const ea = fa ?? [];
  const eb = fb ?? [];
  if (ea.length !== eb.length) return false;
  return ea.every((e, i) => sameJson({ ...e, time: undefined }, { ...eb[i], time: undefined }));
}

/** Precondition from the body: a resourceVersion that differs from the stored one is a 409. */
export function checkResourceVersion(rt: ResourceType, obj: KubeObject, current: StoredObject): void {
  const rv = obj.metadata?.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== String(current.modRevision)) {
    throw errors.conflict(rt.plural, rt.group, current.object.metadata?.name ?? '', 'the object has been modified; please apply your changes to the latest version and try again');
  }
}

/** PUT of the object or of its status subresource. */
export async function replaceObject(ctx: ApiContext, rt: ResourceType, namespace: string | undefined, name: string, body: Record<string, unknown>, opts: WriteOptions, subresource?: string): Promise<KubeObject> {
  const checked = structuredClone(body) as KubeObject;
  checkFields(ctx, rt, statusPartFor(subresource, checked), opts);
  return withRetries(async () => {
    const current = await ctx.storage.mustGet(rt, namespace, name);
    const obj = structuredClone(checked);
    checkTypeMeta(rt, obj);
    checkNamespace(rt, namespace, obj);
    const bodyName = obj.metadata?.name;
    if (bodyName !== undefined && bodyName !== name) throw errors.badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    checkResourceVersion(rt, obj, current);
    return finishUpdate(ctx, { rt, current, updated: obj, opts, ...(subresource ? { subresource } : {}) });
  });
}
