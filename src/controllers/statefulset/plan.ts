/**
 * One step of a StatefulSet's reconciliation (upstream stateful_set_control.go), as a pure
 * function of the pods by ordinal: OrderedReady creates web-0, web-1, ... one at a time,
 * each after the previous is Running and Ready, and removes from the highest ordinal down;
 * Parallel does all at once. A rolling update replaces, highest ordinal first and one at a
 * time, every pod at or above the partition whose revision is not the update revision.
 */
import type { Pod } from '../base/objects.js';
import { isPodReady } from '../base/pods.js';

export type Action = { readonly kind: 'create'; readonly ordinal: number } | { readonly kind: 'delete'; readonly pod: Pod };

export interface PlanInput {
  readonly replicas: number;
  readonly parallel: boolean;
  /** Pods by ordinal (only the ones with this set's name and a valid ordinal). */
  readonly pods: ReadonlyMap<number, Pod>;
  readonly rolling: boolean;
  readonly partition: number;
  /** The revision label a pod has when it runs the update revision. */
  readonly updateRevision: string;
}

const healthy = (p: Pod): boolean => p.status?.phase === 'Running' && isPodReady(p) && !p.metadata.deletionTimestamp;
export const revisionLabel = 'controller-revision-hash';

export function plan(i: PlanInput): Action[] {
  const actions: Action[] = [];
  for (let ord = 0; ord < i.replicas; ord++) {
    const pod = i.pods.get(ord);
    if (!pod) {
      actions.push({ kind: 'create', ordinal: ord });
      if (!i.parallel) return actions;
      continue;
    }
    if (pod.status?.phase === 'Failed' && !pod.metadata.deletionTimestamp) {
      actions.push({ kind: 'delete', pod });
      if (!i.parallel) return actions;
      continue;
    }
    if (!i.parallel && !healthy(pod)) return actions;
  }
  const condemned = [...i.pods.entries()].filter(([ord]) => ord >= i.replicas).sort(([a], [b]) => b - a);
  for (const [, pod] of condemned) {
    if (pod.metadata.deletionTimestamp) {
      if (!i.parallel) return actions;
      continue;
    }
    actions.push({ kind: 'delete', pod });
    if (!i.parallel) return actions;
  }
  if (actions.length > 0 || !i.rolling) return actions;
  // Roll only a fully healthy set, one pod at a time, from the top down to the partition.
  for (let ord = 0; ord < i.replicas; ord++) {
    const pod = i.pods.get(ord);
    if (!pod || !healthy(pod)) return actions;
  }
  for (let ord = i.replicas - 1; ord >= i.partition; ord--) {
    const pod = i.pods.get(ord);
    if (pod && pod.metadata.labels?.[revisionLabel] !== i.updateRevision) return [{ kind: 'delete', pod }];
  }
  return actions;
}
