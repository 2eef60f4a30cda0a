/** Applying a strategic merge patch document to an object of a known schema. */
import type { SchemaResolver } from '../../../api/openapi-types.js';
import { errors } from '../../../machinery/errors.js';
import { catchPatchError, type PatchResult } from '../errors.js';
import { cloneJson, isObject, jsonKind, type JsonObject } from '../json.js';
import { SchemaView } from '../schema.js';
import { APPLY_OPTIONS, mergeMap } from './merge.js';

/**
 * Applies `patch` (parsed JSON) to a copy of `original`. Fields the schema does not know
 * merge as maps and replace as lists, as upstream does for them.
 */
export function applyStrategicMergePatch<T extends JsonObject>(original: T, patch: unknown, resolver: SchemaResolver | undefined, schemaName: string): PatchResult<T> {
  if (!isObject(patch)) {
    return { error: errors.badRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`) };
  }
  return catchPatchError(() => {
    const view = new SchemaView(resolver);
    return mergeMap(cloneJson(original), cloneJson(patch), view.component(schemaName), { view, opts: APPLY_OPTIONS }) as T;
  });
}
