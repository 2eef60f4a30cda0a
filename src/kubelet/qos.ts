/**
 * What a pod's QoS class and requests mean on the node, as the kubelet maps them (cgroup v1):
 * a container's CPU request becomes its cpu.shares (its weight when CPUs are contended), and
 * its oom_score_adj orders OOM kills: BestEffort first (1000), Guaranteed and node-critical
 * pods last (-997), Burstable between by how much of the node's memory it requested.
 */
import { readFileSync } from 'node:fs';
import { Quantity } from '../machinery/quantity.js';
import { processBoundingSet } from '../engine/runtime/index.js';
import type { ContainerSpec, Pod } from './pod-types.js';
import { podQOSClass } from '../api/resources/core/pod-qos.js';

/** The kernel's smallest cpu.shares, and the kubelet's for a container that requests no CPU. */
const minShares = 2;
const maxShares = 262_144;
const guaranteedOomScoreAdj = -997;
const bestEffortOomScoreAdj = 1000;

/** cpu.shares for the container: 1024 per CPU requested (the kubelet's MilliCPUToShares). */
export function cpuSharesFor(c: ContainerSpec): number {
  const request = c.resources?.requests?.cpu ?? c.resources?.limits?.cpu;
  const milli = request ? Quantity.must(request).milliValue() : 0;
  if (milli === 0) return minShares;
  return Math.min(maxShares, Math.max(minShares, Math.floor((milli * 1024) / 1000)));
}

/** The kubelet's GetContainerOOMScoreAdjust. */
export function oomScoreAdjFor(pod: Pod, c: ContainerSpec, memoryCapacityBytes: number): number {
  if (pod.spec.priorityClassName === 'system-node-critical') return guaranteedOomScoreAdj;
  const qos = podQOSClass(pod.spec);
  if (qos === 'Guaranteed') return guaranteedOomScoreAdj;
  if (qos === 'BestEffort') return bestEffortOomScoreAdj;
  const request = c.resources?.requests?.memory ?? c.resources?.limits?.memory;
  const requested = request ? Quantity.must(request).value() : 0;
  const adj = memoryCapacityBytes > 0 ? 1000 - Math.floor((1000 * requested) / memoryCapacityBytes) : 1000;
  // Burstable stays strictly between Guaranteed and BestEffort.
  if (adj < 1000 + guaranteedOomScoreAdj) return 1000 + guaranteedOomScoreAdj;
  if (adj === bestEffortOomScoreAdj) return adj - 1;
  return adj;
}

let floor: number | undefined;

/**
 * The lowest oom_score_adj this agent can give: without CAP_SYS_RESOURCE (missing on these
 * machines, HOST-NOTES.md) no process may go below its own value, and the runtime would fail
 * the container; the kubelet's -997 then becomes the agent's own value.
 */
export function oomScoreAdjFloor(): number {
  if (floor === undefined) {
    floor = processBoundingSet([]).includes('CAP_SYS_RESOURCE') ? -1000 : Number(readFileSync('/proc/self/oom_score_adj', 'utf8').trim()) || 0;
  }
  return floor;
}
