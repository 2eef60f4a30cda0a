/**
 * One entry point for PATCH bodies by content type, and the parsing of apply bodies
 * (YAML, of which JSON is a subset). Server-side apply itself needs the field manager and
 * is called separately (serverSideApply).
 */
import { parseYaml } from '../http/lazy-yaml.js';
import type { SchemaResolver } from '../../api/openapi-types.js';
import { ApiError, errors } from '../../machinery/errors.js';
import { catchPatchError, type PatchResult } from './errors.js';
import { applyJsonPatch, applyMergePatch } from './json-patch.js';
import { isObject, type JsonObject } from './json.js';
import { applyStrategicMergePatch } from './strategic/apply.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';


export interface PatchRequest<T extends JsonObject> {
  /** The request's Content-Type (parameters such as `; charset=utf-8` are ignored). */
  readonly contentType: string;
  readonly original: T;
  readonly body: string | Uint8Array;
  readonly resolver: SchemaResolver | undefined;
  readonly schemaName: string;
  /** Custom resources never take strategic merge patches upstream (415), schema or not. */
  readonly customResource?: boolean;
}

/** Applies a JSON, merge or strategic merge patch body; 415 for other types (and SMP without a schema, as for CRDs upstream). */
export function applyPatchBody<T extends JsonObject>(req: PatchRequest<T>): PatchResult<T> {
  const type = req.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const hasSchema = req.customResource !== true && req.resolver?.(req.schemaName) !== undefined;
  if (type !== JSON_PATCH && type !== MERGE_PATCH && type !== STRATEGIC_MERGE_PATCH) return { error: unsupportedPatchType(type, hasSchema) };
  const text = typeof req.body === 'string' ? req.body : Buffer.from(req.body).toString('utf8');
  const parsed = catchPatchError(() => JSON.parse(text) as unknown);
  if (parsed.error) return { error: parsed.error };
  if (type === JSON_PATCH) return applyJsonPatch(req.original, parsed.object);
  if (type === MERGE_PATCH) return applyMergePatch(req.original, parsed.object);
  if (!hasSchema) return { error: unsupportedPatchType(type, false) };
  return applyStrategicMergePatch(req.original, parsed.object, req.resolver, req.schemaName);
}

function unsupportedPatchType(type: string, strategicSupported: boolean): ApiError {
  const accepted = [JSON_PATCH, MERGE_PATCH, ...(strategicSupported ? [STRATEGIC_MERGE_PATCH] : []), APPLY_PATCH].join(', ');
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted}`, {
    causes: [{ reason: 'UnsupportedMediaType', message: type }],
  });
}

/** Parses an `application/apply-patch+yaml` body into an object; 400 when it is not one YAML/JSON object. */
export function parseApplyBody(body: string | Uint8Array): PatchResult<JsonObject> {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  let value: unknown;
  try {
    value = parseYaml(text, { uniqueKeys: true }) as unknown;
  } catch (err: unknown) {
    return { error: errors.badRequest(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`) };
  }
  if (!isObject(value)) return { error: errors.badRequest('error decoding YAML: the applied configuration must be a single object') };
  return { object: value };
}
