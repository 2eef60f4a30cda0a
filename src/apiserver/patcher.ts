/**
 * What the API server needs from the patch engine (src/apiserver/patch/, another engineer's):
 * the three patch types, server-side apply and managedFields bookkeeping. All throw ApiError
 * for bad patches (400/422) and apply conflicts (409).
 */
import type { KubeObject, ManagedFieldsEntry } from '../api/types.js';

export interface PatchSchema {
  /** OpenAPI component name of the object's kind (e.g. io.k8s.api.core.v1.Pod). */
  readonly schemaName: string;
}

export interface Patcher {
  jsonPatch(current: KubeObject, patch: unknown, s: PatchSchema): KubeObject;
  mergePatch(current: KubeObject, patch: unknown, s: PatchSchema): KubeObject;
  strategicMergePatch(current: KubeObject, patch: unknown, s: PatchSchema): KubeObject;
  serverSideApply(args: { live: KubeObject | undefined; applied: KubeObject; manager: string; force: boolean; now: Date; subresource?: string } & PatchSchema): { object: KubeObject };
  /** managedFields after an ordinary (non-apply) write by `manager`. */
  managedFieldsAfterUpdate(args: { old: KubeObject | undefined; updated: KubeObject; manager: string; subresource?: string; now: Date; apiVersion: string } & PatchSchema): ManagedFieldsEntry[];
}
