/**
 * The message users read when a pod does not fit, worded and ordered as upstream's
 * FitError: `0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector,
 * 2 Insufficient cpu.` Each reason is counted once per node that gave it; the "count reason"
 * strings are sorted as strings.
 */
import type { Status } from './framework/status.js';

export function histogram(reasons: ReadonlyMap<string, number>): string {
  return [...reasons].map(([r, n]) => `${n} ${r}`).sort().join(', ');
}

export interface Diagnosis {
  readonly numAllNodes: number;
  /** Per node name, the status that rejected it. */
  readonly nodeStatuses: ReadonlyMap<string, Status>;
  /** A pre-filter rejection applies to the pod as a whole. */
  readonly preFilterMessage?: string;
  readonly postFilterMessage?: string;
  /** Plugins that rejected the pod somewhere (for requeueing on their events). */
  readonly unschedulablePlugins: ReadonlySet<string>;
}

export function fitErrorMessage(d: Diagnosis): string {
  // Upstream's ErrNoNodesAvailable, reported as is.
  if (d.numAllNodes === 0) return 'no nodes available to schedule pods';
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (d.preFilterMessage) msg += ` ${d.preFilterMessage}.`;
  const counts = new Map<string, number>();
  for (const s of d.nodeStatuses.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  if (counts.size) msg += ` ${histogram(counts)}.`;
  if (d.postFilterMessage) msg += ` ${d.postFilterMessage}`;
  return msg;
}
