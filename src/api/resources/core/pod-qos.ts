/**
 * A pod's QoS class (upstream's GetPodQOS), in a module of its own so the node agent and
 * kubectl use the one definition without loading the Pod registry entry.
 */
import { recordAt, recordsAt } from '../../meta/json.js';
import { parseQuantity } from '../../meta/quantity.js';

/** Only these resources decide a pod's QoS class. */
const QOS_RESOURCES = ['cpu', 'memory'];

/**
 * Guaranteed, Burstable or BestEffort, from the containers' cpu/memory requests and limits.
 * A missing request counts as equal to its limit, which is what defaulting will make it.
 */
export function podQOSClass(spec: unknown): string {
  const containers = [...recordsAt(spec, 'initContainers'), ...recordsAt(spec, 'containers')];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const resources = recordAt(c, 'resources');
    const requests = recordAt(resources, 'requests') ?? {};
    const limits = recordAt(resources, 'limits') ?? {};
    for (const r of QOS_RESOURCES) {
      const request = parseQuantity(requests[r]);
      const limit = parseQuantity(limits[r]);
      if ((request ?? 0) > 0 || (limit ?? 0) > 0) any = true;
      if (limit === undefined || (request !== undefined && request !== limit)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
