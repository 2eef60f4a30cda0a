/**
 * The Patcher the server uses, over the patch engine in src/apiserver/patch/: JSON, merge and
 * strategic merge patches, server-side apply and managedFields, all reading merge keys and
 * list/map semantics from the server's OpenAPI schemas.
 */
import type { SchemaResolver } from '../api/openapi-types.js';
import type { KubeObject } from '../api/types.js';
import { applyConflictError, applyJsonPatch, applyMergePatch, applyStrategicMergePatch, serverSideApply, updateManagedFields, type PatchResult } from './patch/index.js';
import type { Patcher } from './patcher.js';

function unwrap<T>(r: PatchResult<T>): T {
  if (r.error) throw r.error;
  return r.object as T;
}

export function createPatcher(resolver: SchemaResolver): Patcher {
  return {
    jsonPatch: (current, patch) => unwrap(applyJsonPatch(current as Record<string, unknown>, patch)) as KubeObject,
    mergePatch: (current, patch) => unwrap(applyMergePatch(current as Record<string, unknown>, patch)) as KubeObject,
    strategicMergePatch: (current, patch, s) => unwrap(applyStrategicMergePatch(current as Record<string, unknown>, patch, resolver, s.schemaName)) as KubeObject,
    serverSideApply(args) {
      const r = serverSideApply({ live: args.live, applied: args.applied, manager: args.manager, force: args.force, schemaName: args.schemaName, resolver, now: args.now, ...(args.subresource ? { subresource: args.subresource } : {}) });
      if (r.error) throw r.error;
      if (r.conflicts) throw applyConflictError(r.conflicts);
      return { object: r.object };
    },
    managedFieldsAfterUpdate: (args) => updateManagedFields({
      old: args.old, updated: args.updated, manager: args.manager, operation: 'Update', now: args.now, apiVersion: args.apiVersion,
      schemaName: args.schemaName, resolver, ...(args.subresource ? { subresource: args.subresource } : {}),
    }),
  };
}
