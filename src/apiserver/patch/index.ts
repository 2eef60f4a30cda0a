/**
 * Patches and server-side apply for the API server (pure logic, no I/O):
 * - JSON patch (RFC 6902), JSON merge patch (RFC 7386), strategic merge patch;
 * - the client side of `kubectl apply`: the three-way strategic patch and the
 *   last-applied annotation;
 * - server-side apply with managedFields, and managedFields bookkeeping for ordinary writes.
 * Errors come back as values (`{ error: ApiError }`) with upstream's codes.
 */
export { applyJsonPatch, applyMergePatch, createMergePatch, createThreeWayJsonMergePatch, parsePatchBody } from './json-patch.js';
export { applyStrategicMergePatch } from './strategic/apply.js';
export {
  createThreeWayMergePatch, createTwoWayMergePatch, withLastAppliedAnnotation, LAST_APPLIED_ANNOTATION,
} from './strategic/three-way.js';
export { applyConflictError, applyConflictMessage, unprocessable, type ApplyConflict, type PatchResult } from './errors.js';
export { canonicalJson, type JsonObject } from './json.js';
export { serverSideApply, BEFORE_FIRST_APPLY, type ServerSideApplyOptions, type ServerSideApplyResult } from './ssa/apply.js';
export { updateManagedFields, withManagedFields, type UpdateManagedFieldsOptions } from './ssa/update.js';
export { FieldSet, pathString, type FieldPath } from './ssa/fieldset.js';
export { applyPatchBody, parseApplyBody, JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH, type PatchRequest } from './content-type.js';
