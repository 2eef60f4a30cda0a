/**
 * pods/binding (the scheduler's way to place a pod: sets spec.nodeName once, with the
 * PodScheduled condition) and pods/eviction (a polite delete; PodDisruptionBudgets are not
 * served, so it always succeeds).
 */
import type { KubeObject, ResourceType } from '../../api/types.js';
import { errors } from '../../machinery/errors.js';
import type { ApiContext } from '../context.js';
import { timestamp } from '../context.js';
import { deleteObject, parseDeleteOptions } from './delete.js';
import type { WriteOptions } from './options.js';
import { LostRace, withRetries } from './update.js';

const success = (code: number): Record<string, unknown> => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code });

export async function bindPod(ctx: ApiContext, pods: ResourceType, namespace: string, name: string, body: Record<string, unknown>, opts: WriteOptions): Promise<Record<string, unknown>> {
  if (body.kind !== undefined && body.kind !== 'Binding') throw errors.badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (Binding)`);
  const target = (body.target ?? {}) as { kind?: string; name?: unknown };
  const bindingName = (body.metadata as { name?: string } | undefined)?.name;
  if (bindingName !== undefined && bindingName !== name) throw errors.badRequest(`the name of the object (${bindingName}) does not match the name on the URL (${name})`);
  if (typeof target.name !== 'string' || target.name === '') {
    throw errors.invalid('Binding', '', name, [{ field: 'target.name', type: 'FieldValueRequired', message: 'Required value' }]);
  }
  if (target.kind !== undefined && target.kind !== '' && target.kind !== 'Node') {
    throw errors.invalid('Binding', '', name, [{ field: 'target.kind', type: 'FieldValueNotSupported', message: `Unsupported value: "${target.kind}": supported values: "Node"` }]);
  }
  const node = target.name;
  const annotations = (body.metadata as { annotations?: Record<string, string> } | undefined)?.annotations;
  await withRetries(async () => {
    const current = await ctx.storage.mustGetShared(pods, namespace, name);
    const old = current.object;
    if (old.metadata?.deletionTimestamp) throw errors.conflict('pods', '', name, 'pod is being deleted, cannot be assigned to a host');
    const oldSpec = (old.spec ?? {}) as { nodeName?: string };
    if (oldSpec.nodeName) throw errors.conflict('pods', '', name, `pod ${name} is already assigned to node "${oldSpec.nodeName}"`);
    // As upstream's binding storage, the write goes straight to storage: no update strategy
    // (a binding writes spec and status at once) and no managedFields entry. Copies are
    // shallow: only the parts that change are new; the rest is shared with `old`, which
    // nobody changes.
    const meta = { ...old.metadata, ...(annotations ? { annotations: { ...old.metadata?.annotations, ...annotations } } : {}) };
    if (pods.strategy.usesGeneration) meta.generation = (old.metadata?.generation ?? 0) + 1;
    const pod: KubeObject = { ...old, metadata: meta, spec: { ...oldSpec, nodeName: node }, status: scheduledStatus(old.status, ctx.now()) };
    if (opts.dryRun) return;
    await ctx.hooks.beforeStore?.(pods, pod, old);
    const stored = await ctx.storage.update(pods, pod, current.modRevision);
    if (!stored) throw new LostRace();
    ctx.hooks.afterWrite(pods, 'update', stored);
  });
  return success(201);
}

/** The pod's status with the PodScheduled condition set to True (a new object; `status` is not changed). */
function scheduledStatus(status: unknown, now: Date): Record<string, unknown> {
  const s = (status ?? {}) as { conditions?: Array<Record<string, unknown>> };
  const conditions = (s.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(now) });
  return { ...s, conditions };
}

export async function evictPod(ctx: ApiContext, pods: ResourceType, namespace: string, name: string, body: Record<string, unknown>, opts: WriteOptions): Promise<Record<string, unknown>> {
  if (body.kind !== undefined && body.kind !== 'Eviction') throw errors.badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (Eviction)`);
  const evictionName = (body.metadata as { name?: string } | undefined)?.name;
  if (evictionName !== undefined && evictionName !== name) throw errors.badRequest(`the name of the object (${evictionName}) does not match the name on the URL (${name})`);
  const del = parseDeleteOptions((body.deleteOptions ?? undefined) as Record<string, unknown> | undefined, new URLSearchParams());
  await deleteObject(ctx, pods, namespace, name, del, opts);
  return success(201);
}
