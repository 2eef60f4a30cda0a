/** The `kubectl.kubernetes.io/last-applied-configuration` annotation, as kubectl writes it. */
import type { KubeObject } from '../../api/types.js';
import { toCompactGoJson } from '../printers/index.js';

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The object with the annotation set to its own serialisation (sorted compact JSON plus a
 * newline, made with the annotation removed and `annotations: {}` left behind, as kubectl's
 * GetModifiedConfiguration does).
 */
export function withLastApplied(obj: KubeObject): { modified: KubeObject; serialized: string } {
  const annotations = { ...(obj.metadata?.annotations ?? {}) };
  delete annotations[lastAppliedAnnotation];
  const bare: KubeObject = { ...obj, metadata: { ...obj.metadata, annotations } };
  const serialized = `${toCompactGoJson(bare)}\n`;
  const modified: KubeObject = { ...obj, metadata: { ...obj.metadata, annotations: { ...annotations, [lastAppliedAnnotation]: serialized } } };
  return { modified, serialized };
}

export function readLastApplied(obj: KubeObject): KubeObject | undefined {
  const text = obj.metadata?.annotations?.[lastAppliedAnnotation];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as KubeObject;
  } catch (err: unknown) {
    throw new Error(`error while parsing the last-applied-configuration annotation: ${String(err)}`, { cause: err });
  }
}
