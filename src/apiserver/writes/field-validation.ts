/**
 * Schema checks of the object a write would store. Wrong types: 400 for built-in kinds
 * (upstream's decoder fails), 422 Invalid for custom resources (upstream's CRD validation).
 * Unknown fields depend on fieldValidation: Strict 400, Warn a Warning header, Ignore
 * nothing; unless Strict refused them they are dropped, as upstream's decoder and CRD
 * pruning drop them.
 */
import type { KubeObject, ResourceType } from '../../api/types.js';
import { errors } from '../../machinery/errors.js';
import type { ApiContext } from '../context.js';
import type { WriteOptions } from './options.js';
import { isKnownClean, rememberClean, typeShapeKey } from './create-memo.js';

export function checkFields(ctx: ApiContext, rt: ResourceType, obj: unknown, opts: WriteOptions): void {
  const shape = ctx.isCustom(rt) ? undefined : typeShapeKey(rt.schemaName, obj);
  if (shape !== undefined && isKnownClean(shape)) return;
  const typeErrors = ctx.openapi.typeErrors(obj, rt.schemaName);
  if (typeErrors.length > 0) {
    if (ctx.isCustom(rt)) {
      const name = (obj as { metadata?: { name?: string } }).metadata?.name ?? '';
      throw errors.invalid(rt.kind, rt.group, name, typeErrors);
    }
    throw errors.badRequest(`${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: ${typeErrors[0]?.decodeMessage ?? ''}`);
  }
  const unknown = ctx.openapi.unknownFields(obj, rt.schemaName);
  if (unknown.length === 0) {
    if (shape !== undefined) rememberClean(shape);
    return;
  }
  const shown = unknown.map((p) => `unknown field "${p.replace(/^\./, '')}"`);
  if (opts.fieldValidation === 'Strict') throw errors.badRequest(`strict decoding error: ${shown.join(', ')}`);
  if (opts.fieldValidation === 'Warn') opts.warnings.push(...shown);
  // Deepest first, so removing an array item's field never shifts a later path.
  for (const path of [...unknown].reverse()) removePath(obj, path);
}

/** Removes the value at `.a.b[0].c` from `root`, if it is there. */
export function removePath(root: unknown, path: string): void {
  const tokens: Array<string | number> = [];
  const re = /\.([^.[]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) tokens.push(m[2] !== undefined ? Number(m[2]) : (m[1] as string));
  let cur: unknown = root;
  for (const t of tokens.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return;
    cur = (cur as Record<string | number, unknown>)[t];
  }
  const last = tokens[tokens.length - 1];
  if (last !== undefined && cur !== null && typeof cur === 'object' && !Array.isArray(cur)) delete (cur as Record<string, unknown>)[String(last)];
}

/**
 * What a write's field checks look at: for the status subresource only .status, the one part
 * the write stores (the rest is the stored object's, checked when it was written). The part
 * shares its status with `obj`, so pruned unknown fields leave both.
 */
export function statusPartFor(subresource: string | undefined, obj: KubeObject): KubeObject {
  return subresource === 'status' ? { apiVersion: obj.apiVersion, kind: obj.kind, status: obj.status } as KubeObject : obj;
}
