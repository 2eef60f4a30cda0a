/**
 * Graceful deletion, as upstream's pod strategy (CheckGracefulDelete): a pod that runs on a
 * node is only marked (deletionTimestamp = now + grace, deletionGracePeriodSeconds = grace)
 * so its node agent can stop it; the agent then deletes it with grace 0. Unscheduled and
 * finished pods, and every other kind, go at once (unless finalizers hold them).
 */
import type { KubeObject, ResourceType } from '../../api/types.js';

const defaultPodGraceSeconds = 30;

/** Seconds a delete of `obj` should wait; 0 means now. */
export function gracePeriodFor(rt: ResourceType, obj: KubeObject, requested: number | undefined): number {
  if (rt.group !== '' || rt.kind !== 'Pod') return 0;
  const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const grace = requested ?? spec.terminationGracePeriodSeconds ?? defaultPodGraceSeconds;
  return Math.max(0, grace);
}
