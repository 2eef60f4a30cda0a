/**
 * Server-side apply and the client-side apply annotation, as upstream's field manager
 * bridges them for the `kubectl` manager: taking over fields from client-side apply, and
 * keeping the annotation in step with what was applied.
 */
import type { OpenApiSchema } from '../../../api/openapi-types.js';
import { canonicalJson, cloneJson, isObject, type JsonObject } from '../json.js';
import { LAST_APPLIED_ANNOTATION } from '../strategic/three-way.js';
import type { FieldSet } from './fieldset.js';
import type { Typed } from './typed.js';
import { compare, toFieldSet } from './walk.js';

/**
 * As upstream, `kubectl apply --server-side` over an object managed by client-side apply
 * takes over, without conflicts, the fields the last-applied annotation records with the
 * values the object still has; undefined when there is no usable annotation.
 */
export function upgradableFromClientSideApply(typed: Typed, live: JsonObject, apiVersion: string, schema: OpenApiSchema | undefined): FieldSet | undefined {
  const annotations = isObject(live.metadata) ? live.metadata.annotations : undefined;
  const text = isObject(annotations) ? annotations[LAST_APPLIED_ANNOTATION] : undefined;
  if (typeof text !== 'string' || text === '') return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text) as unknown;
  } catch {
    return undefined; // a hand-edited annotation that is not JSON: upstream also ignores it
  }
  if (!isObject(lastApplied) || lastApplied.apiVersion !== apiVersion) return undefined;
  const differs = compare(typed, lastApplied, live, schema);
  return toFieldSet(typed, lastApplied, schema).difference(differs.modified).difference(differs.added).difference(differs.removed);
}

/**
 * As upstream: when `kubectl` applies server-side to an object that carries the client-side
 * last-applied annotation, the annotation is rewritten to this configuration, so that a
 * later client-side apply computes its deletions from what was really applied last.
 */
export function syncLastApplied(metadata: JsonObject, config: JsonObject, manager: string): void {
  const annotations = metadata.annotations;
  if (manager !== 'kubectl' || !isObject(annotations) || typeof annotations[LAST_APPLIED_ANNOTATION] !== 'string') return;
  const recorded = cloneJson(config);
  const recordedMeta = recorded.metadata;
  if (isObject(recordedMeta) && isObject(recordedMeta.annotations)) delete recordedMeta.annotations[LAST_APPLIED_ANNOTATION];
  annotations[LAST_APPLIED_ANNOTATION] = `${canonicalJson(recorded)}\n`;
}
