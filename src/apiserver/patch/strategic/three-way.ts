/**
 * The patch `kubectl apply` (client side) sends: changes from the live object to the new
 * configuration (never deleting what the user did not write), plus deletions of what the
 * previous configuration (the last-applied annotation) had and the new one drops.
 */
import type { SchemaResolver } from '../../../api/openapi-types.js';
import { catchPatchError, type PatchResult } from '../errors.js';
import { canonicalJson, cloneJson, isObject, type JsonObject } from '../json.js';
import { SchemaView } from '../schema.js';
import { diffMaps } from './diff.js';
import { mergeMap } from './merge.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * upstream's CreateThreeWayMergePatch with overwrite: `original` is the last-applied
 * configuration (or undefined), `modified` the new configuration (with its annotation),
 * `current` the live object. `{}` when nothing needs to change.
 */
export function createThreeWayMergePatch(original: JsonObject | undefined, modified: JsonObject, current: JsonObject, resolver: SchemaResolver | undefined, schemaName: string): PatchResult<JsonObject> {
  return catchPatchError(() => {
    const view = new SchemaView(resolver);
    const schema = view.component(schemaName);
    const delta = diffMaps(current, modified, schema, view, { ignoreDeletions: true, setElementOrder: true });
    const deletions = diffMaps(original ?? {}, modified, schema, view, { ignoreChangesAndAdditions: true, setElementOrder: true });
    return mergeMap(deletions, delta, schema, { view, opts: { mergeParallelList: false, ignoreUnmatchedNulls: false } });
  });
}

/** The two-way strategic patch from `original` to `modified` (upstream's CreateTwoWayMergePatch). */
export function createTwoWayMergePatch(original: JsonObject, modified: JsonObject, resolver: SchemaResolver | undefined, schemaName: string): PatchResult<JsonObject> {
  return catchPatchError(() => {
    const view = new SchemaView(resolver);
    return diffMaps(original, modified, view.component(schemaName), view, { setElementOrder: true });
  });
}

/**
 * The configuration kubectl sends as `modified`, and the annotation value it records: the
 * object serialised without the annotation (keys sorted, `annotations: {}` kept, a trailing
 * newline as Go's encoder writes), then stored in the annotation of a copy.
 */
export function withLastAppliedAnnotation(config: JsonObject): { modified: JsonObject; annotation: string } {
  const modified = cloneJson(config);
  const metadata = isObject(modified.metadata) ? modified.metadata : (modified.metadata = {});
  const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
  delete annotations[LAST_APPLIED_ANNOTATION];
  metadata.annotations = annotations;
  const annotation = `${canonicalJson(modified)}\n`;
  metadata.annotations = { ...annotations, [LAST_APPLIED_ANNOTATION]: annotation };
  return { modified, annotation };
}
