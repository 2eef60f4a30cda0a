/**
 * The REST verbs on /api/v1/... and /apis/G/V/...: get, list, watch, create, update, patch,
 * delete, deletecollection, on objects and their status and scale subresources.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceType } from '../api/types.js';
import { ApiError, errors } from '../machinery/errors.js';
import type { ApiContext } from './context.js';
import { decodeObject, readBody, readObjectBody } from './http/body.js';
import type { RequestTarget } from './http/request-info.js';
import { addWarnings, sendJson, wantsTable } from './http/respond.js';
import { parseListOptions } from './list-options.js';
import { getOne, listObjects } from './reads/list.js';
import { serveWatch } from './reads/watch.js';
import { createObject } from './writes/create.js';
import { deleteCollection, deleteObject, parseDeleteOptions } from './writes/delete.js';
import { checkPathSegmentName } from './writes/meta.js';
import { parseWriteOptions } from './writes/options.js';
import { patchObject, patchTypeOf } from './writes/patch.js';
import { fromScale, toScale } from './writes/scale.js';
import { checkResourceVersion, finishUpdate, replaceObject, withRetries } from './writes/update.js';
import { groupVersionString, type KubeObject } from '../api/types.js';
import { bindPod, evictPod } from './writes/pod-subresources.js';

export type ResourceTarget = Extract<RequestTarget, { kind: 'resource' }>;

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** The metrics/log label of a request: LIST and WATCH are told apart from GET, as upstream. */
export function verbOf(method: string, t: ResourceTarget, query: URLSearchParams): string {
  if (method === 'GET') return t.name ? 'GET' : query.get('watch') === 'true' || query.get('watch') === '1' ? 'WATCH' : 'LIST';
  if (method === 'DELETE' && !t.name) return 'DELETECOLLECTION';
  return method;
}

const servedSubresources = ['status', 'scale', 'finalize', 'binding', 'eviction'];
/** Subresources served by other components (the node agent), when they register a handler. */
export type SubresourceHandler = (req: IncomingMessage, res: ServerResponse, target: { namespace: string | undefined; name: string; query: URLSearchParams; object: KubeObject }) => Promise<void>;

export function resolveResource(ctx: ApiContext, t: ResourceTarget): ResourceType {
  const rt = ctx.catalog.get(t.group, t.version, t.plural);
  if (!rt) throw pathNotFound();
  if (t.namespace !== undefined && !rt.namespaced) throw pathNotFound();
  if (t.subresource !== undefined) {
    const served = servedSubresources.includes(t.subresource) || ctx.subresourceHandlers.has(`${rt.group}/${rt.plural}/${t.subresource}`);
    if (!served || !rt.subresources.includes(t.subresource) || !t.name) throw pathNotFound();
  }
  return rt;
}

function requireVerb(rt: ResourceType, verb: string): void {
  if (!rt.verbs.includes(verb)) throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
}

export async function handleResource(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, t: ResourceTarget, query: URLSearchParams): Promise<void> {
  const rt = resolveResource(ctx, t);
  const method = req.method ?? 'GET';
  const ns = t.namespace;
  if (t.namespace !== undefined) {
    const bad = checkPathSegmentName(t.namespace);
    if (bad) throw errors.badRequest(`invalid namespace "${t.namespace}": ${bad}`);
  }
  if (t.name !== undefined) {
    const bad = checkPathSegmentName(t.name);
    if (bad || t.name === '') throw errors.badRequest(`invalid resource name "${t.name}": ${bad ?? 'may not be empty'}`);
  }
  const external = t.subresource !== undefined && t.name !== undefined ? ctx.subresourceHandlers.get(`${rt.group}/${rt.plural}/${t.subresource}`) : undefined;
  if (external && t.name !== undefined) {
    const { object } = await ctx.storage.mustGet(rt, ns, t.name);
    await external(req, res, { namespace: ns, name: t.name, query, object });
    return;
  }
  const table = wantsTable(req, query);
  if (method === 'GET') {
    if (t.name !== undefined) {
      requireVerb(rt, 'get');
      sendJson(res, 200, await getOne(ctx, rt, ns, t.name, t.subresource, table));
      return;
    }
    const o = parseListOptions(rt, query);
    if (o.watch) {
      requireVerb(rt, 'watch');
      await serveWatch(ctx, req, res, rt, ns, o, table);
      return;
    }
    requireVerb(rt, 'list');
    sendJson(res, 200, await listObjects(ctx, rt, ns, o, table));
    return;
  }
  if (method === 'POST' && t.name !== undefined && (t.subresource === 'binding' || t.subresource === 'eviction') && ns !== undefined) {
    const opts = parseWriteOptions(query, req.headers['user-agent']);
    const body = await readObjectBody(req);
    sendJson(res, 201, t.subresource === 'binding' ? await bindPod(ctx, rt, ns, t.name, body, opts) : await evictPod(ctx, rt, ns, t.name, body, opts));
    return;
  }
  if (t.subresource === 'binding' || t.subresource === 'eviction') throw errors.methodNotAllowed(`${method} is not supported on ${t.subresource}`);
  if (method === 'POST') {
    if (t.name !== undefined) throw errors.methodNotAllowed('POST is not supported on a named resource');
    requireVerb(rt, 'create');
    if (rt.namespaced && ns === undefined) throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    const opts = parseWriteOptions(query, req.headers['user-agent']);
    const body = await readObjectBody(req);
    const created = await createObject(ctx, rt, ns, body, opts);
    addWarnings(res, opts.warnings);
    sendJson(res, opts.dryRun ? 200 : 201, created);
    return;
  }
  if (method === 'DELETE') {
    const raw = await readBody(req);
    const body = raw.length > 0 && raw.toString('utf8').trim() !== '' ? decodeObject(raw, { yaml: false }) : undefined;
    const del = parseDeleteOptions(body, query);
    const queryOpts = parseWriteOptions(query, req.headers['user-agent']);
    // DeleteOptions in the body may ask for a dry run too (kubectl delete --dry-run=server).
    const opts = del.dryRun ? { ...queryOpts, dryRun: true } : queryOpts;
    if (t.name === undefined) {
      requireVerb(rt, 'deletecollection');
      const deleted = await deleteCollection(ctx, rt, ns, parseListOptions(rt, query).matches, del, opts);
      const apiVersion = groupVersionString(rt.group, rt.version);
      sendJson(res, 200, { apiVersion, kind: rt.listKind, metadata: {}, items: deleted.map((d) => ({ ...d, apiVersion, kind: rt.kind })) });
      return;
    }
    if (t.subresource) throw errors.methodNotAllowed('DELETE is not supported on a subresource');
    requireVerb(rt, 'delete');
    sendJson(res, 200, await deleteObject(ctx, rt, ns, t.name, del, opts));
    return;
  }
  if (t.name === undefined) throw errors.methodNotAllowed(`${method} is not supported on a collection`);
  if (method === 'PUT') {
    requireVerb(rt, 'update');
    const opts = parseWriteOptions(query, req.headers['user-agent']);
    const body = await readObjectBody(req);
    const name = t.name;
    const updated = t.subresource === 'scale' ? await putScale(ctx, rt, ns, name, body, opts) : await replaceObject(ctx, rt, ns, name, body, opts, t.subresource);
    addWarnings(res, opts.warnings);
    sendJson(res, 200, updated);
    return;
  }
  if (method === 'PATCH') {
    requireVerb(rt, 'patch');
    const type = patchTypeOf(req.headers['content-type']);
    const opts = parseWriteOptions(query, req.headers['user-agent'], { apply: type === 'apply' });
    const force = query.get('force') === 'true';
    if (query.has('force') && type !== 'apply') throw errors.badRequest('force: Forbidden: may not be specified for non-apply patch');
    const raw = await readBody(req);
    const r = await patchObject(ctx, { rt, namespace: ns, name: t.name, ...(t.subresource ? { subresource: t.subresource } : {}), type, raw, force, opts });
    addWarnings(res, opts.warnings);
    sendJson(res, r.created && !opts.dryRun ? 201 : 200, r.object);
    return;
  }
  throw errors.methodNotAllowed(`${method} is not supported`);
}

async function putScale(ctx: ApiContext, rt: ResourceType, ns: string | undefined, name: string, body: Record<string, unknown>, opts: ReturnType<typeof parseWriteOptions>): Promise<unknown> {
  if (body.kind !== undefined && body.kind !== 'Scale') throw errors.badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (Scale)`);
  return withRetries(async () => {
    const current = await ctx.storage.mustGet(rt, ns, name);
    checkResourceVersion(rt, body, current);
    const updated = await finishUpdate(ctx, { rt, current, updated: fromScale(rt, current.object, body), opts, subresource: 'scale' });
    return toScale(rt, updated);
  });
}

