/**
 * RFC 6902 JSON patch and RFC 7386 JSON merge patch, with upstream's error codes: a patch
 * document that does not parse or is not a list of operations is 400; an operation that
 * fails against the object (test mismatch, missing path) is 422.
 */
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { errors } from '../../machinery/errors.js';
import { catchPatchError, PatchError, unprocessable, type PatchResult } from './errors.js';
import { cloneJson, deepEqual, isObject, type JsonObject, UNSAFE_KEY } from './json.js';

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Parses a patch body (string or bytes) as JSON; a 400 error value when it is not JSON. */
export function parsePatchBody(body: string | Uint8Array): PatchResult<unknown> {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  return catchPatchError(() => JSON.parse(text) as unknown);
}

function validateOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  patch.forEach((op: unknown, i) => {
    if (!isObject(op) || typeof op.op !== 'string' || !OPS.has(op.op)) {
      throw new PatchError(`Unexpected kind: ${isObject(op) ? String(op.op) : 'operation'} at index ${i}`);
    }
    if (typeof op.path !== 'string') throw new PatchError(`missing path in operation ${i}`);
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') throw new PatchError(`missing from in operation ${i}`);
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) throw new PatchError(`missing value in operation ${i}`);
  });
  return patch as Operation[];
}

/** Applies an RFC 6902 patch (already parsed) to a copy of `original`. */
export function applyJsonPatch<T extends JsonObject>(original: T, patch: unknown): PatchResult<T> {
  const ops = catchPatchError(() => validateOperations(patch));
  if (ops.error) return { error: ops.error };
  try {
    const doc = cloneJson(original);
    const result = fastJsonPatch.applyPatch(doc, ops.object, true, true, true);
    const patched: unknown = result.newDocument;
    if (!isObject(patched)) return { error: unprocessable('the patch replaced the whole object with a non-object value') };
    return { object: patched as T };
  } catch (err: unknown) {
    if (err instanceof fastJsonPatch.JsonPatchError) return { error: unprocessable(describeJsonPatchError(err)) };
    throw err;
  }
}

function describeJsonPatchError(err: InstanceType<typeof fastJsonPatch.JsonPatchError>): string {
  const op = err.operation as Partial<Operation> | undefined;
  switch (err.name) {
    case 'TEST_OPERATION_FAILED': return `testing value ${op?.path ?? ''} failed: test failed`;
    case 'OPERATION_PATH_UNRESOLVABLE': return `${op?.op ?? 'patch'} operation does not apply: doc is missing path: "${op?.path ?? ''}": missing value`;
    case 'OPERATION_FROM_UNRESOLVABLE': return `${op?.op ?? 'move'} operation does not apply: doc is missing from path: "${(op as { from?: string } | undefined)?.from ?? ''}": missing value`;
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
    case 'OPERATION_VALUE_OUT_OF_BOUNDS': return `${op?.op ?? 'add'} operation does not apply: doc is missing path: "${op?.path ?? ''}": index out of bounds`;
    default: return `${op?.op ?? 'patch'} operation does not apply at "${op?.path ?? ''}": ${err.message.split('\n')[0] ?? err.name}`;
  }
}

/** RFC 7386: objects merge recursively, `null` deletes, anything else replaces. */
export function applyMergePatch<T extends JsonObject>(original: T, patch: unknown): PatchResult<T> {
  if (!isObject(patch)) return { error: errors.badRequest('Invalid JSON Patch') };
  return { object: mergeValue(cloneJson(original), patch) as T };
}

function mergeValue(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return cloneJson(patch);
  const out: JsonObject = isObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === UNSAFE_KEY) continue; // would set the object's prototype, not a field
    if (value === null) delete out[key];
    else out[key] = mergeValue(out[key], value);
  }
  return out;
}

/** The RFC 7386 patch that turns `original` into `modified` (what `kubectl label` style clients send). */
export function createMergePatch(original: unknown, modified: unknown): unknown {
  if (!isObject(original) || !isObject(modified)) return cloneJson(modified);
  const patch: JsonObject = {};
  for (const key of Object.keys(original)) if (!(key in modified)) patch[key] = null;
  for (const [key, value] of Object.entries(modified)) {
    const before = original[key];
    if (isObject(before) && isObject(value)) {
      const sub = createMergePatch(before, value);
      if (isObject(sub) && Object.keys(sub).length > 0) patch[key] = sub;
    } else if (!deepEqual(before, value)) {
      patch[key] = cloneJson(value);
    }
  }
  return patch;
}

/** Keeps only the `null`s of a merge patch (deletions), or only the rest (additions and changes). */
function splitNulls(patch: unknown, keepNulls: boolean): JsonObject {
  const out: JsonObject = {};
  if (!isObject(patch)) return out;
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      if (keepNulls) out[key] = null;
    } else if (isObject(value)) {
      const sub = splitNulls(value, keepNulls);
      if (Object.keys(sub).length > 0 || (!keepNulls && Object.keys(value).length === 0)) out[key] = sub;
    } else if (!keepNulls) {
      out[key] = value;
    }
  }
  return out;
}

/**
 * The JSON merge patch `kubectl apply` sends for kinds it has no Go type for (custom
 * resources), as upstream's CreateThreeWayJSONMergePatch: additions and changes from the
 * live object to the new configuration, plus deletions from the last-applied one.
 */
export function createThreeWayJsonMergePatch(original: JsonObject | undefined, modified: JsonObject, current: JsonObject): JsonObject {
  const addAndChange = splitNulls(createMergePatch(current, modified), false);
  const deletions = splitNulls(createMergePatch(original ?? {}, modified), true);
  return mergeValue(deletions, addAndChange) as JsonObject;
}
