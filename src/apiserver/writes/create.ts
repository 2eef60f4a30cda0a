/** POST: admission (strategy, validation, field checks) and the store create. */
import type { KubeObject, ResourceType } from '../../api/types.js';
import { ApiError, errors } from '../../machinery/errors.js';
import type { ApiContext } from '../context.js';
import { checkFields } from './field-validation.js';
import { checkNamespace, checkTypeMeta, generatedName, initSystemFields, throwIfInvalid, validateObjectMeta } from './meta.js';
import type { WriteOptions } from './options.js';
import { namespaceResource } from './namespace-guard.js';
import { createFieldsKey, recalledCreateFields, rememberCreateFields } from './create-memo.js';

/** Upstream tries this many generated names before giving up on a collision. */
const generateNameAttempts = 3;

export async function createObject(ctx: ApiContext, rt: ResourceType, urlNamespace: string | undefined, body: Record<string, unknown>, opts: WriteOptions): Promise<KubeObject> {
  const obj = structuredClone(body) as KubeObject;
  checkTypeMeta(rt, obj);
  checkNamespace(rt, urlNamespace, obj);
  checkFields(ctx, rt, obj, opts);
  const meta = obj.metadata ?? {};
  const generate = !meta.name && typeof meta.generateName === 'string' && meta.generateName !== '';
  if (rt.namespaced) await requireLiveNamespace(ctx, rt, meta.namespace ?? '', meta.name ?? meta.generateName ?? '');
  for (let attempt = 0; ; attempt++) {
    // Only generated names are retried, and only a retry needs the untouched original.
    const candidate = generate ? structuredClone(obj) : obj;
    const cmeta = candidate.metadata ?? {};
    if (generate) cmeta.name = generatedName(String(meta.generateName));
    const prepared = admitCreate(ctx, rt, candidate, opts);
    if (opts.dryRun) {
      await ensureAbsent(ctx, rt, prepared);
      return prepared;
    }
    try {
      await ctx.hooks.beforeStore?.(rt, prepared, undefined);
      const created = await ctx.storage.create(rt, prepared);
      ctx.hooks.afterWrite(rt, 'create', created);
      return created;
    } catch (err: unknown) {
      if (generate && attempt + 1 < generateNameAttempts && err instanceof ApiError && err.reason === 'AlreadyExists') continue;
      throw err;
    }
  }
}

/** Strategy and validation of an object about to be created (also used by apply-create). */
export function admitCreate(ctx: ApiContext, rt: ResourceType, obj: KubeObject, opts: WriteOptions): KubeObject {
  const now = ctx.now();
  initSystemFields(rt, obj, now);
  rt.strategy.prepareForCreate?.(obj, { now });
  rt.strategy.defaults?.(obj);
  throwIfInvalid(rt, obj, rt.strategy.validate ? rt.strategy.validate(obj, undefined) : validateObjectMeta(rt, obj));
  const meta = obj.metadata ?? (obj.metadata = {});
  const apiVersion = String(obj.apiVersion);
  const memoKey = ctx.isCustom(rt) ? undefined : createFieldsKey(obj, opts.fieldManager, apiVersion, rt.schemaName);
  const recalled = memoKey !== undefined ? recalledCreateFields(memoKey, now) : undefined;
  if (recalled) {
    meta.managedFields = recalled;
  } else {
    meta.managedFields = ctx.patcher.managedFieldsAfterUpdate({ old: undefined, updated: obj, manager: opts.fieldManager, now, apiVersion, schemaName: rt.schemaName });
    if (memoKey !== undefined) rememberCreateFields(memoKey, meta.managedFields);
  }
  return obj;
}

async function ensureAbsent(ctx: ApiContext, rt: ResourceType, obj: KubeObject): Promise<void> {
  const name = obj.metadata?.name ?? '';
  if (await ctx.storage.get(rt, obj.metadata?.namespace, name)) throw errors.alreadyExists(rt.plural, rt.group, name);
}

/** Namespaced creates need an existing namespace that is not being deleted. */
export async function requireLiveNamespace(ctx: ApiContext, rt: ResourceType, namespace: string, name: string): Promise<void> {
  const nsType = namespaceResource(ctx);
  if (!nsType) return;
  const ns = await ctx.storage.get(nsType, undefined, namespace);
  if (!ns) throw errors.notFound('namespaces', '', namespace);
  if (ns.object.metadata?.deletionTimestamp) {
    const q = rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
    throw errors.forbidden(`${q} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
  }
}
