/** GET of one object (or its status/scale) and of lists, as JSON or Table. */
import type { KubeObject, ResourceType } from '../../api/types.js';
import { groupVersionString } from '../../api/types.js';
import { errors } from '../../machinery/errors.js';
import type { ApiContext } from '../context.js';
import type { TableRequest } from '../http/respond.js';
import type { ListOptions } from '../list-options.js';
import { toScale } from '../writes/scale.js';
import { toTable } from './table.js';

export async function getOne(ctx: ApiContext, rt: ResourceType, namespace: string | undefined, name: string, subresource: string | undefined, table: TableRequest | undefined): Promise<unknown> {
  const { object } = await ctx.storage.mustGet(rt, namespace, name);
  // Objects are stored at the version they were written through; reads answer in the
  // requested one (custom resources convert with strategy None, i.e. only apiVersion changes).
  object.apiVersion = groupVersionString(rt.group, rt.version);
  if (subresource === 'scale') return toScale(rt, object);
  if (table && subresource === undefined) return toTable(rt, [object], table, ctx.now(), { resourceVersion: object.metadata?.resourceVersion ?? '' });
  return object;
}

/** Revision to read a list at: resourceVersionMatch=Exact reads history, anything else is current. */
function readRevision(o: ListOptions): number | undefined {
  if (o.resourceVersionMatch === 'Exact' && o.resourceVersion) return Number(o.resourceVersion);
  return undefined;
}

export async function listObjects(ctx: ApiContext, rt: ResourceType, namespace: string | undefined, o: ListOptions, table: TableRequest | undefined): Promise<unknown> {
  if (o.resourceVersionMatch && !o.resourceVersion) throw errors.badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (o.continueToken && o.resourceVersion && o.resourceVersion !== '0') throw errors.badRequest('specifying resource version is not allowed when using continue');
  const rev = readRevision(o);
  const page = await ctx.storage.list(rt, namespace, { ...(o.limit ? { limit: o.limit } : {}), ...(o.continueToken ? { continueToken: o.continueToken } : {}), ...(rev ? { revision: rev } : {}), filter: o.matches, ...(o.exactName !== undefined ? { exactName: o.exactName } : {}) });
  const meta = { resourceVersion: String(page.revision), ...(page.continueToken ? { continue: page.continueToken } : {}) };
  if (table) return toTable(rt, page.items, table, ctx.now(), meta);
  const apiVersion = groupVersionString(rt.group, rt.version);
  const items: KubeObject[] = page.items.map((i) => ({ ...i, apiVersion, kind: rt.kind }));
  return { apiVersion, kind: rt.listKind, metadata: meta, items };
}
