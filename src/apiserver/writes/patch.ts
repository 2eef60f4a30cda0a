/**
 * PATCH in its four content types, on the object or its status/scale subresources.
 * Server-side apply creates the object when it does not exist (201).
 */
import type { KubeObject, ResourceType } from '../../api/types.js';
import { errors } from '../../machinery/errors.js';
import { decodeValue, mediaType } from '../http/body.js';
import type { ApiContext } from '../context.js';
import { admitCreate, requireLiveNamespace } from './create.js';
import { checkFields, statusPartFor } from './field-validation.js';
import { checkNamespace, checkTypeMeta } from './meta.js';
import type { WriteOptions } from './options.js';
import { fromScale, toScale } from './scale.js';
import { checkResourceVersion, finishUpdate, withRetries } from './update.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export function patchTypeOf(contentType: string | undefined): PatchType {
  switch (mediaType(contentType)) {
    case 'application/json-patch+json': return 'json';
    case 'application/merge-patch+json': return 'merge';
    case 'application/strategic-merge-patch+json': return 'strategic';
    case 'application/apply-patch+yaml': case 'application/apply-patch+cbor': return 'apply';
    default: throw errors.unsupportedMediaType(mediaType(contentType));
  }
}

export interface PatchRequest {
  readonly rt: ResourceType;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly subresource?: string;
  readonly type: PatchType;
  readonly raw: Buffer;
  readonly force: boolean;
  readonly opts: WriteOptions;
}

export interface PatchResult { readonly object: KubeObject; readonly created: boolean }

export async function patchObject(ctx: ApiContext, p: PatchRequest): Promise<PatchResult> {
  const { rt } = p;
  const patch = decodeValue(p.raw, { yaml: p.type === 'apply' });
  if (p.type !== 'json' && (patch === null || typeof patch !== 'object' || Array.isArray(patch))) {
    throw errors.badRequest(p.type === 'apply' ? 'error decoding YAML: the apply patch must be an object' : 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  }
  if (p.subresource === 'scale' && p.type === 'apply') throw errors.unsupportedMediaType('application/apply-patch+yaml');
  if (p.type === 'apply') {
    const applied = patch as KubeObject;
    checkTypeMeta(rt, structuredClone(applied));
    const bodyName = applied.metadata?.name;
    if (bodyName !== undefined && bodyName !== p.name) throw errors.badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${p.name})`);
    checkFields(ctx, rt, applied, p.opts);
  }
  return withRetries(async () => {
    const current = await ctx.storage.get(rt, p.namespace, p.name);
    if (!current) {
      if (p.type !== 'apply' || p.subresource) throw errors.notFound(rt.plural, rt.group, p.name);
      return { object: await applyCreate(ctx, p, patch as KubeObject), created: true };
    }
    const s = { schemaName: rt.schemaName };
    if (p.subresource === 'scale') {
      const scale = toScale(rt, current.object);
      const patched = applyPatchDoc(ctx, p.type as Exclude<PatchType, 'apply'>, scale, patch, { schemaName: 'io.k8s.api.autoscaling.v1.Scale' });
      checkResourceVersion(rt, patched, current);
      const updated = await finishUpdate(ctx, { rt, current, updated: fromScale(rt, current.object, patched), opts: p.opts, subresource: 'scale' });
      return { object: toScale(rt, updated), created: false };
    }
    let updated: KubeObject;
    let managedFieldsDone = false;
    if (p.type === 'apply') {
      const live = structuredClone(current.object);
      updated = ctx.patcher.serverSideApply({ live, applied: patch as KubeObject, manager: p.opts.fieldManager, force: p.force, now: ctx.now(), ...s, ...(p.subresource ? { subresource: p.subresource } : {}) }).object;
      managedFieldsDone = true;
    } else {
      updated = applyPatchDoc(ctx, p.type, current.object, patch, s);
    }
    if (typeof updated !== 'object' || updated === null || Array.isArray(updated)) throw errors.badRequest('the patch did not produce an object');
    checkTypeMeta(rt, updated);
    checkNamespace(rt, p.namespace, updated);
    const patchedName = updated.metadata?.name;
    if (patchedName !== undefined && patchedName !== p.name) throw errors.badRequest(`the name of the object (${String(patchedName)}) does not match the name on the URL (${p.name})`);
    checkResourceVersion(rt, updated, current);
    // Warnings are per request: a retry after a lost race must not repeat them.
    if (p.type !== 'apply') checkFields(ctx, rt, statusPartFor(p.subresource, updated), { ...p.opts, warnings: attemptWarnings(p.opts) });
    const object = await finishUpdate(ctx, { rt, current, updated, opts: p.opts, ...(p.subresource ? { subresource: p.subresource } : {}), operation: p.type === 'apply' ? 'Apply' : 'Update', managedFieldsDone });
    return { object, created: false };
  });
}

function attemptWarnings(opts: WriteOptions): string[] {
  opts.warnings.length = 0;
  return opts.warnings;
}

function applyPatchDoc(ctx: ApiContext, type: Exclude<PatchType, 'apply'>, current: KubeObject, patch: unknown, s: { schemaName: string }): KubeObject {
  const base = structuredClone(current);
  if (type === 'json') return ctx.patcher.jsonPatch(base, patch, s);
  if (type === 'merge') return ctx.patcher.mergePatch(base, patch, s);
  return ctx.patcher.strategicMergePatch(base, patch, s);
}

async function applyCreate(ctx: ApiContext, p: PatchRequest, applied: KubeObject): Promise<KubeObject> {
  const { rt } = p;
  const seed = structuredClone(applied);
  checkTypeMeta(rt, seed);
  checkNamespace(rt, p.namespace, seed);
  if (rt.namespaced) await requireLiveNamespace(ctx, rt, p.namespace ?? '', p.name);
  const merged = ctx.patcher.serverSideApply({ live: undefined, applied: seed, manager: p.opts.fieldManager, force: p.force, now: ctx.now(), schemaName: rt.schemaName }).object;
  checkTypeMeta(rt, merged);
  checkNamespace(rt, p.namespace, merged);
  (merged.metadata ?? (merged.metadata = {})).name = p.name;
  const applyManaged = merged.metadata.managedFields;
  const obj = admitCreate(ctx, rt, merged, p.opts);
  // admitCreate records an Update entry; apply-create owns its fields as Apply instead.
  if (obj.metadata && applyManaged) obj.metadata.managedFields = applyManaged;
  if (p.opts.dryRun) return obj;
  await ctx.hooks.beforeStore?.(rt, obj, undefined);
  const created = await ctx.storage.create(rt, obj);
  ctx.hooks.afterWrite(rt, 'create', created);
  return created;
}
