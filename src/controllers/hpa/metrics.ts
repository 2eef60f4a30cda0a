/**
 * Quantities for the HPA: usage and requests in comparable units, and the pod annotation
 * `skiff.dev/simulated-usage-<resource>` (e.g. `skiff.dev/simulated-usage-cpu: 250m`) that
 * pods on simulated nodes carry instead of real figures (see metrics-source.ts).
 */
import { parseQuantity } from '../../machinery/quantity.js';
import type { Pod } from '../base/objects.js';

export const simulatedUsageAnnotation = (resource: string): string => `skiff.dev/simulated-usage-${resource}`;

/** cpu in millicores, anything else in base units. */
export function amount(resource: string, q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const parsed = parseQuantity(q);
  if (!parsed.ok) return undefined;
  return resource === 'cpu' ? parsed.value.milliValue() : parsed.value.value();
}

export function requestOf(pod: Pod, resource: string): number {
  const containers = (pod.spec?.['containers'] ?? []) as Array<{ resources?: { requests?: Record<string, string> } }>;
  return containers.reduce((n, c) => n + (amount(resource, c.resources?.requests?.[resource]) ?? 0), 0);
}
