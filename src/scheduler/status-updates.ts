/**
 * The pod status a failed attempt leaves: PodScheduled=False (reason Unschedulable) with
 * the explaining message, and status.nominatedNodeName after a preemption. Nothing is
 * written when the condition already says the same, so retries do not churn the pod, and
 * nothing when the pod changed since the attempt saw it (resourceVersion precondition).
 */
import type { ResourceClient } from '../client/typed/index.js';
import type { Pod } from './framework/api.js';

export async function applyFailure(pods: ResourceClient<Pod>, pod: Pod, message: string, nominatedNodeName: string | undefined): Promise<void> {
  const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const sameCondition = current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message;
  const sameNomination = nominatedNodeName === undefined || pod.status?.nominatedNodeName === nominatedNodeName;
  if (sameCondition && sameNomination) return;
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const condition = {
    type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null,
    lastTransitionTime: current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : now,
  };
  const status: Record<string, unknown> = { conditions: [condition] };
  if (nominatedNodeName !== undefined) status.nominatedNodeName = nominatedNodeName;
  // The pod as the scheduler saw it is a precondition: a pod bound meanwhile (by another
  // scheduler or by hand) keeps its PodScheduled=True; the 409 is dropped by the caller and
  // the pod's next event decides again.
  const rv = pod.metadata?.resourceVersion;
  await pods.patch(pod.metadata?.namespace, pod.metadata?.name ?? '', 'strategic', { ...(rv ? { metadata: { resourceVersion: rv } } : {}), status }, { subresource: 'status' });
}
