/**
 * Pod resource usage for the HPA: from the metrics API (metrics.k8s.io/v1beta1 PodMetrics)
 * when the cluster serves it, else simulated from a pod annotation
 * `skiff.dev/simulated-usage-<resource>` (e.g. `skiff.dev/simulated-usage-cpu: 250m`), which
 * simulated nodes or tests set until node agents report real figures.
 */
import { StatusError } from '../../client/index.js';
import type { RestClient } from '../../client/index.js';
import { parseQuantity } from '../../machinery/quantity.js';
import type { Pod } from '../base/objects.js';

export const simulatedUsageAnnotation = (resource: string): string => `skiff.dev/simulated-usage-${resource}`;

interface PodMetrics { metadata: { name: string }; containers?: Array<{ usage?: Record<string, string> }> }

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

export class MetricsSource {
  /** Undefined until asked; false once the API answered 404 (then re-checked now and then). */
  private served: boolean | undefined;
  private checkedAt = 0;

  constructor(private readonly rest: RestClient, private readonly now: () => number) {}

  /** Usage per pod name for the pods given (absent: no figure for that pod). */
  async usage(namespace: string, pods: readonly Pod[], resource: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (this.served !== false || this.now() - this.checkedAt > 60_000) {
      try {
        const list = await this.rest.get<{ items: PodMetrics[] }>(`/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`);
        this.served = true;
        const names = new Set(pods.map((p) => p.metadata.name));
        for (const m of list.items) {
          if (!names.has(m.metadata.name)) continue;
          out.set(m.metadata.name, (m.containers ?? []).reduce((n, c) => n + (amount(resource, c.usage?.[resource]) ?? 0), 0));
        }
        return out;
      } catch (err: unknown) {
        if (!(err instanceof StatusError && (err.code === 404 || err.code === 503))) throw err;
        this.served = false;
        this.checkedAt = this.now();
      }
    }
    for (const p of pods) {
      const v = amount(resource, p.metadata.annotations?.[simulatedUsageAnnotation(resource)]);
      if (v !== undefined) out.set(p.metadata.name ?? '', v);
    }
    return out;
  }
}
