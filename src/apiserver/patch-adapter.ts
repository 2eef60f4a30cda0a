/**
 * The Patcher the server uses, over the patch engine in src/apiserver/patch/ (JSON, merge and
 * strategic merge patches with the OpenAPI schemas' merge keys). Server-side apply and
 * managedFields come from the stand-in until the patch engine provides them.
 */
import type { SchemaResolver } from '../api/openapi-types.js';
import type { KubeObject } from '../api/types.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, type PatchResult } from './patch/index.js';
import type { Patcher } from './patcher.js';
import { standinPatcher } from './standin/patch.js';

function unwrap<T>(r: PatchResult<T>): T {
  if (r.error) throw r.error;
  return r.object as T;
}

export function createPatcher(resolver: SchemaResolver): Patcher {
  return {
    jsonPatch: (current, patch) => unwrap(applyJsonPatch(current as Record<string, unknown>, patch)) as KubeObject,
    mergePatch: (current, patch) => unwrap(applyMergePatch(current as Record<string, unknown>, patch)) as KubeObject,
    strategicMergePatch: (current, patch, s) => unwrap(applyStrategicMergePatch(current as Record<string, unknown>, patch, resolver, s.schemaName)) as KubeObject,
    serverSideApply: (args) => standinPatcher.serverSideApply(args),
    managedFieldsAfterUpdate: (args) => standinPatcher.managedFieldsAfterUpdate(args),
  };
}
