/**
 * Private stand-in for src/apiserver/patch/ until it lands: JSON patch (fast-json-patch),
 * merge patch, a simplified strategic merge (object lists merged by `name`), and an apply
 * that merges the applied configuration onto the live object without conflict detection.
 */
import fjp from 'fast-json-patch';
import type { KubeObject } from '../../api/types.js';
import { ApiError, errors } from '../../machinery/errors.js';
import type { Patcher } from '../patcher.js';

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function strategic(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') { const { $patch: _p, ...rest } = patch; return rest; }
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) { delete out[k]; continue; }
    const cur = out[k];
    if (Array.isArray(v) && Array.isArray(cur) && v.every((i) => isObject(i) && typeof i.name === 'string') && cur.every((i) => isObject(i) && typeof i.name === 'string')) {
      const merged = [...cur] as Array<Record<string, Json>>;
      for (const item of v as Array<Record<string, Json>>) {
        const i = merged.findIndex((m) => m.name === item.name);
        if (item.$patch === 'delete') { if (i >= 0) merged.splice(i, 1); continue; }
        if (i >= 0) merged[i] = strategic(merged[i], item) as Record<string, Json>;
        else merged.push(strategic({}, item) as Record<string, Json>);
      }
      out[k] = merged;
    } else {
      out[k] = strategic(cur, v);
    }
  }
  return out;
}

export const standinPatcher: Patcher = {
  jsonPatch(current, patch) {
    if (!Array.isArray(patch)) throw errors.badRequest('json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
    try {
      return fjp.applyPatch(structuredClone(current), patch as fjp.Operation[], true, false).newDocument as KubeObject;
    } catch (err: unknown) {
      if (err instanceof ApiError) throw err;
      throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  },
  mergePatch(current, patch) { return mergePatch(current, patch) as KubeObject; },
  strategicMergePatch(current, patch) { return strategic(current, patch) as KubeObject; },
  serverSideApply({ live, applied }) { return { object: strategic(live ?? {}, applied) as KubeObject }; },
  managedFieldsAfterUpdate({ old, manager, operation, subresource, now, apiVersion }) {
    const entries = (old?.metadata?.managedFields ?? []).filter((e) => !(e.manager === manager && e.operation === operation && (e.subresource ?? '') === (subresource ?? '')));
    entries.push({ manager, operation, apiVersion, time: now.toISOString().replace(/\.\d+Z$/, 'Z'), fieldsType: 'FieldsV1', fieldsV1: {}, ...(subresource ? { subresource } : {}) });
    return entries;
  },
};
