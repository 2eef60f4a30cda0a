/**
 * DELETE and deletecollection. Objects with finalizers (and namespaces, whose content must go
 * first) are marked with deletionTimestamp and stay until their finalizers are removed;
 * everything else is removed at once.
 */
import type { KubeObject, ResourceType } from '../../api/types.js';
import { errors } from '../../machinery/errors.js';
import type { ApiContext } from '../context.js';
import { timestamp } from '../context.js';
import type { StoredObject } from '../storage/objects.js';
import type { WriteOptions } from './options.js';
import { gracePeriodFor } from './graceful.js';
import { LostRace, withRetries } from './update.js';

export interface DeleteOptions {
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  readonly orphanDependents?: boolean;
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { uid?: string; resourceVersion?: string };
  /** `dryRun: ["All"]` in the body, where kubectl puts it for `delete --dry-run=server`. */
  readonly dryRun?: boolean;
}

/** Reads DeleteOptions from the body (if any) and the query, checking values. */
export function parseDeleteOptions(body: Record<string, unknown> | undefined, query: URLSearchParams): DeleteOptions {
  const b = body ?? {};
  if (b.kind !== undefined && b.kind !== 'DeleteOptions') throw errors.badRequest(`the body of the request must be DeleteOptions, not ${String(b.kind)}`);
  const policy = (b.propagationPolicy ?? query.get('propagationPolicy') ?? undefined) as string | undefined;
  if (policy !== undefined && policy !== null && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw errors.badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (b.orphanDependents !== undefined && policy !== undefined) throw errors.badRequest('propagationPolicy: Invalid value: "": orphanDependents and deletionPropagation cannot be both set');
  const graceRaw = b.gracePeriodSeconds ?? query.get('gracePeriodSeconds') ?? undefined;
  const grace = graceRaw === undefined || graceRaw === null ? undefined : Number(graceRaw);
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) throw errors.badRequest(`gracePeriodSeconds: Invalid value: ${JSON.stringify(graceRaw)}: must be a non-negative integer`);
  const pre = (b.preconditions ?? undefined) as DeleteOptions['preconditions'] | undefined;
  if (pre !== undefined && (typeof pre !== 'object' || Array.isArray(pre) || (pre.uid !== undefined && typeof pre.uid !== 'string') || (pre.resourceVersion !== undefined && typeof pre.resourceVersion !== 'string'))) {
    throw errors.badRequest('DeleteOptions: preconditions must be an object with string uid and resourceVersion');
  }
  const dryRunRaw = b.dryRun;
  if (dryRunRaw !== undefined && dryRunRaw !== null && (!Array.isArray(dryRunRaw) || dryRunRaw.some((d) => d !== 'All'))) {
    throw errors.badRequest(`dryRun: Unsupported value: ${JSON.stringify(dryRunRaw)}: supported values: "All"`);
  }
  const dryRun = Array.isArray(dryRunRaw) && dryRunRaw.length > 0;
  const orphan = b.orphanDependents;
  if (orphan !== undefined && typeof orphan !== 'boolean') throw errors.badRequest('orphanDependents must be a boolean');
  return { ...(policy ? { propagationPolicy: policy as DeleteOptions['propagationPolicy'] } : {}), ...(orphan !== undefined ? { orphanDependents: orphan } : {}), ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}), ...(pre ? { preconditions: pre } : {}), ...(dryRun ? { dryRun } : {}) };
}

function checkPreconditions(rt: ResourceType, current: StoredObject, pre: DeleteOptions['preconditions']): void {
  const name = current.object.metadata?.name ?? '';
  if (pre?.uid && pre.uid !== current.object.metadata?.uid) {
    throw errors.conflict(rt.plural, rt.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.object.metadata?.uid ?? ''}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== String(current.modRevision)) {
    throw errors.conflict(rt.plural, rt.group, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.modRevision}`);
  }
}

export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

/**
 * The garbage-collector finalizers a delete asks for, as upstream's generic store: Orphan
 * adds `orphan` (dependents are released), Foreground adds `foregroundDeletion` (dependents
 * go first), Background removes both. The GC controller removes them when it is done.
 */
function gcFinalizers(current: readonly string[], del: DeleteOptions): string[] | undefined {
  const policy = del.propagationPolicy ?? (del.orphanDependents === true ? 'Orphan' : del.orphanDependents === false ? 'Background' : undefined);
  if (!policy) return undefined;
  const rest = current.filter((f) => f !== orphanFinalizer && f !== foregroundFinalizer);
  if (policy === 'Orphan') return [...rest, orphanFinalizer];
  if (policy === 'Foreground') return [...rest, foregroundFinalizer];
  return rest;
}

function waitsForFinalizers(rt: ResourceType, obj: KubeObject): boolean {
  if ((obj.metadata?.finalizers ?? []).length > 0) return true;
  return rt.group === '' && rt.kind === 'Namespace';
}

/** Deletes one object; returns it (with deletionTimestamp when deletion is pending). */
export async function deleteObject(ctx: ApiContext, rt: ResourceType, namespace: string | undefined, name: string, del: DeleteOptions, opts: WriteOptions): Promise<KubeObject> {
  return withRetries(async () => {
    const current = await ctx.storage.mustGet(rt, namespace, name);
    checkPreconditions(rt, current, del.preconditions);
    const obj = structuredClone(current.object);
    const meta = obj.metadata ?? (obj.metadata = {});
    const finalizers = gcFinalizers(meta.finalizers ?? [], del);
    const finalizersChanged = finalizers !== undefined && JSON.stringify(finalizers) !== JSON.stringify(meta.finalizers ?? []);
    if (finalizers !== undefined) {
      if (finalizers.length > 0) meta.finalizers = finalizers;
      else delete meta.finalizers;
    }
    const grace = gracePeriodFor(rt, current.object, del.gracePeriodSeconds);
    const waits = waitsForFinalizers(rt, obj);
    if (grace > 0 || waits) {
      // Marked, not removed: finalizers or a node agent finish the deletion later. A repeated
      // delete may only shorten a pending grace period.
      let changed = finalizersChanged;
      if (!meta.deletionTimestamp || grace < (meta.deletionGracePeriodSeconds ?? 0)) {
        meta.deletionTimestamp = timestamp(new Date(ctx.now().getTime() + grace * 1000));
        meta.deletionGracePeriodSeconds = grace;
        changed = true;
      }
      if (!changed) return current.object;
      if (rt.group === '' && rt.kind === 'Namespace') obj.status = { ...(obj.status as object | undefined), phase: 'Terminating' };
      if (opts.dryRun) return obj;
      const stored = await ctx.storage.update(rt, obj, current.modRevision);
      if (!stored) throw new LostRace();
      ctx.hooks.afterWrite(rt, 'update', stored);
      return stored;
    }
    if (opts.dryRun) return current.object;
    const gone = await ctx.storage.delete(rt, namespace, name, current.modRevision);
    if (!gone) throw new LostRace();
    ctx.hooks.afterWrite(rt, 'delete', gone);
    return gone;
  });
}

/** Deletes every object the list matches; returns the list of what was deleted. */
export async function deleteCollection(ctx: ApiContext, rt: ResourceType, namespace: string | undefined, matches: (o: KubeObject) => boolean, del: DeleteOptions, opts: WriteOptions): Promise<KubeObject[]> {
  const page = await ctx.storage.list(rt, namespace, { filter: matches });
  const out: KubeObject[] = [];
  for (const item of page.items) {
    try {
      out.push(await deleteObject(ctx, rt, item.metadata?.namespace, item.metadata?.name ?? '', { ...del, preconditions: undefined }, opts));
    } catch (err: unknown) {
      // An item deleted meanwhile is simply gone; anything else is the caller's error.
      if (!(err instanceof Error && (err as { code?: number }).code === 404)) throw err;
    }
  }
  return out;
}
