/**
 * DefaultPreemption (PostFilter): when no node fits, find a node where evicting pods of
 * lower priority would make room, evict as few and as unimportant pods as possible, and
 * nominate the node. Candidates are checked by re-running the profile's filters on a copy
 * of the node without the victims; victims are then reprieved highest priority first while
 * the pod still fits. PodDisruptionBudgets are not considered.
 */
import type { CycleState, Handle, PostFilterPlugin, PostFilterResult } from '../framework/types.js';
import { NodeInfo, type PodInfo } from '../framework/node-info.js';
import { unresolvable, unschedulable, type Status } from '../framework/status.js';
import { histogram } from '../fit-error.js';

interface Candidate { node: NodeInfo; victims: PodInfo[] }

export const notHelpful = 'Preemption is not helpful for scheduling';
export const noVictims = 'No preemption victims found for incoming pod';

export class DefaultPreemption implements PostFilterPlugin {
  static readonly pluginName = 'DefaultPreemption';
  readonly name = DefaultPreemption.pluginName;
  constructor(private readonly handle: Handle) {}

  async postFilter(state: CycleState, pod: PodInfo, filtered: ReadonlyMap<string, Status>): Promise<PostFilterResult> {
    if (pod.preemptionPolicy === 'Never') return { status: unresolvable('not eligible due to preemptionPolicy=Never.') };
    const priority = pod.priority;
    const nodes = this.handle.snapshot().nodes;
    const reasons = new Map<string, number>();
    const note = (r: string): void => { reasons.set(r, (reasons.get(r) ?? 0) + 1); };
    const candidates: Candidate[] = [];
    for (const node of nodes) {
      const st = filtered.get(node.name);
      if (!st || st.code === 'UnschedulableAndUnresolvable') { note(notHelpful); continue; }
      const lower = [...node.pods.values()].filter((p) => p.priority < priority);
      if (lower.length === 0) { note(noVictims); continue; }
      const copy = new NodeInfo(node.node);
      for (const p of node.pods.values()) if (!lower.includes(p)) copy.addPod(p);
      if (this.handle.runFilterPlugins(state, pod, copy)) { note(noVictims); continue; }
      const victims: PodInfo[] = [];
      for (const p of lower.sort((a, b) => b.priority - a.priority)) {
        copy.addPod(p);
        if (this.handle.runFilterPlugins(state, pod, copy)) {
          copy.removePod(p.key);
          victims.push(p);
        }
      }
      candidates.push({ node, victims });
    }
    const best = pick(candidates);
    if (!best) return { status: unschedulable(`preemption: 0/${nodes.length} nodes are available: ${histogram(reasons)}.`) };
    await this.handle.preempt(pod.pod, best.victims.map((v) => v.pod), best.node.name);
    return { nominatedNodeName: best.node.name, status: undefined };
  }
}

/** Fewest important victims: lowest highest-priority, then lowest priority sum, then fewest. */
function pick(candidates: Candidate[]): Candidate | undefined {
  const key = (c: Candidate): [number, number, number] => {
    let max = -Infinity;
    let sum = 0;
    for (const v of c.victims) { const p = v.priority; max = Math.max(max, p); sum += p; }
    return [c.victims.length ? max : -Infinity, sum, c.victims.length];
  };
  let best: Candidate | undefined;
  let bestKey: [number, number, number] | undefined;
  for (const c of candidates) {
    const k = key(c);
    if (!bestKey || k[0] < bestKey[0] || (k[0] === bestKey[0] && (k[1] < bestKey[1] || (k[1] === bestKey[1] && k[2] < bestKey[2])))) {
      best = c;
      bestKey = k;
    }
  }
  return best;
}
