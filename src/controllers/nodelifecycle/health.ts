/**
 * Node health as the node lifecycle controller judges it (upstream node_lifecycle_controller
 * and taint eviction), in pure functions: when a node was last heard from, the conditions
 * and taints that follow, and when each pod on a NoExecute-tainted node must go.
 */
import type { Taint, Toleration } from '../daemonset/placement.js';
import { tolerates } from '../daemonset/placement.js';

export interface NodeCondition { type: string; status: string; reason?: string; message?: string; lastHeartbeatTime?: string; lastTransitionTime?: string }
export interface TaintWithTime extends Taint { timeAdded?: string }

export const notReadyTaint = 'node.kubernetes.io/not-ready';
export const unreachableTaint = 'node.kubernetes.io/unreachable';
const conditionTypes = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

const ms = (t: string | null | undefined): number => {
  const v = t ? Date.parse(t) : NaN;
  return Number.isFinite(v) ? v : 0;
};

/** The latest sign of life: the Lease renewal, the Ready heartbeat, or the node's creation. */
export function lastHeard(o: { leaseRenewTime?: string | null; conditions?: readonly NodeCondition[]; created?: string | null }): number {
  const ready = o.conditions?.find((c) => c.type === 'Ready');
  return Math.max(ms(o.leaseRenewTime), ms(ready?.lastHeartbeatTime), ms(o.created));
}

/** Conditions turned Unknown because the kubelet went silent; undefined if nothing changes. */
export function unknownConditions(conditions: readonly NodeCondition[], now: string): NodeCondition[] | undefined {
  let changed = false;
  const out = conditions.map((c) => ({ ...c }));
  for (const type of conditionTypes) {
    const c = out.find((x) => x.type === type);
    if (c?.status === 'Unknown') continue;
    changed = true;
    const next: NodeCondition = { type, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: c?.lastHeartbeatTime ?? now, lastTransitionTime: now };
    if (c) Object.assign(c, next);
    else out.push({ ...next, message: 'Kubelet never posted node status.' });
  }
  return changed ? out : undefined;
}

/** The taints a node should carry for its Ready status (NoSchedule by condition, NoExecute for eviction). */
export function desiredTaints(current: readonly TaintWithTime[], readyStatus: string | undefined, now: string): TaintWithTime[] {
  const others = current.filter((t) => t.key !== notReadyTaint && t.key !== unreachableTaint);
  const key = readyStatus === 'True' ? undefined : readyStatus === 'False' ? notReadyTaint : unreachableTaint;
  if (!key) return others;
  const keep = (effect: string): TaintWithTime => current.find((t) => t.key === key && t.effect === effect) ?? { key, effect, ...(effect === 'NoExecute' ? { timeAdded: now } : {}) };
  return [...others, keep('NoSchedule'), keep('NoExecute')];
}

/**
 * When a pod on a node with these NoExecute taints must be evicted: now (0) if a taint is
 * not tolerated, after the shortest tolerationSeconds otherwise, never (undefined) if all
 * are tolerated without a limit. Times are ms since the epoch.
 */
export function evictionTime(taints: readonly TaintWithTime[], tolerations: readonly Toleration[]): number | undefined {
  let at: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const matching = tolerations.filter((t) => tolerates(t, taint));
    if (matching.length === 0) return 0;
    for (const t of matching) {
      if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
      const when = ms(taint.timeAdded) + Math.max(0, t.tolerationSeconds) * 1000;
      at = at === undefined ? when : Math.min(at, when);
    }
  }
  return at;
}
