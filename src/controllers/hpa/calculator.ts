/**
 * Replica counts from metrics (upstream podautoscaler/replica_calculator.go and horizontal.go),
 * pure: per metric, desired = ceil(ready pods * usage / target) unless within the 10%
 * tolerance; the largest metric wins; the result is clamped to [min, max], scale-up is limited
 * per period (max of 4 pods or 100%, upstream's default behaviour) and scale-down takes the
 * highest recommendation within the stabilization window.
 */
export const tolerance = 0.1;

export interface PodSample {
  /** Sum of the pod's containers' usage (millicores for cpu, bytes for memory). */
  readonly usage: number;
  /** Sum of its containers' requests of the same resource (0: none). */
  readonly request: number;
}

export type Target = { readonly type: 'Utilization'; readonly averageUtilization: number } | { readonly type: 'AverageValue'; readonly averageValue: number };

export interface MetricResult { readonly replicas: number; readonly utilization?: number; readonly averageValue: number }

export function replicasForMetric(current: number, samples: readonly PodSample[], target: Target): MetricResult | { error: string } {
  if (samples.length === 0) return { error: 'no metrics returned from resource metrics API' };
  const usage = samples.reduce((n, s) => n + s.usage, 0);
  const averageValue = usage / samples.length;
  if (target.type === 'Utilization') {
    const requests = samples.reduce((n, s) => n + s.request, 0);
    if (samples.some((s) => s.request <= 0)) return { error: 'missing request for resource' };
    const utilization = Math.round((usage * 100) / requests);
    const ratio = utilization / target.averageUtilization;
    if (Math.abs(ratio - 1) <= tolerance) return { replicas: current, utilization, averageValue };
    return { replicas: Math.ceil(ratio * samples.length), utilization, averageValue };
  }
  const ratio = averageValue / target.averageValue;
  if (Math.abs(ratio - 1) <= tolerance) return { replicas: current, averageValue };
  return { replicas: Math.ceil(ratio * samples.length), averageValue };
}

export interface Limits { readonly min: number; readonly max: number }

/** Clamps and rate-limits; reports which limit applied, for the ScalingLimited condition. */
export function normalize(current: number, desired: number, l: Limits): { replicas: number; limited?: 'TooFewReplicas' | 'TooManyReplicas' | 'ScaleUpLimit' } {
  if (desired < l.min) return { replicas: l.min, limited: 'TooFewReplicas' };
  const upLimit = Math.max(current * 2, current + 4);
  if (desired > upLimit && upLimit < l.max) return { replicas: upLimit, limited: 'ScaleUpLimit' };
  if (desired > l.max) return { replicas: l.max, limited: 'TooManyReplicas' };
  return { replicas: desired };
}

/** Recommendations kept for stabilization; scale-down uses the highest in the window. */
export class Recommendations {
  private readonly byKey = new Map<string, Array<{ at: number; replicas: number }>>();

  stabilized(key: string, recommendation: number, current: number, now: number, downWindowMs: number, upWindowMs = 0): number {
    const list = (this.byKey.get(key) ?? []).filter((r) => now - r.at <= Math.max(downWindowMs, upWindowMs));
    list.push({ at: now, replicas: recommendation });
    this.byKey.set(key, list);
    const down = list.filter((r) => now - r.at <= downWindowMs).reduce((m, r) => Math.max(m, r.replicas), -Infinity);
    const up = list.filter((r) => now - r.at <= upWindowMs).reduce((m, r) => Math.min(m, r.replicas), Infinity);
    if (recommendation < current) return Math.min(current, down);
    if (recommendation > current) return Math.max(current, up);
    return current;
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }
}
