/**
 * Resource arithmetic in plain numbers: cpu in millicores, memory and ephemeral-storage in
 * bytes, pods and extended resources as counts. Pod requests follow upstream's rule: the sum
 * of the app containers (and restartable init "sidecar" containers), at least the largest
 * plain init container, plus the pod overhead.
 */
import { parseQuantity } from '../../api/meta/quantity.js';
import type { Pod, ResourceList } from './api.js';

export class Resources {
  milliCPU = 0;
  memory = 0;
  ephemeralStorage = 0;
  allowedPodNumber = 0;
  /** Extended resources (example.com/gpu, hugepages-2Mi, ...). */
  readonly scalar = new Map<string, number>();

  static fromList(list: ResourceList | undefined): Resources {
    const r = new Resources();
    if (!list) return r;
    for (const [name, v] of Object.entries(list)) {
      if (v === undefined) continue;
      r.setByName(name, quantity(name, v));
    }
    return r;
  }

  get(name: string): number {
    switch (name) {
      case 'cpu': return this.milliCPU;
      case 'memory': return this.memory;
      case 'ephemeral-storage': return this.ephemeralStorage;
      case 'pods': return this.allowedPodNumber;
      default: return this.scalar.get(name) ?? 0;
    }
  }

  setByName(name: string, v: number): void {
    switch (name) {
      case 'cpu': this.milliCPU = v; break;
      case 'memory': this.memory = v; break;
      case 'ephemeral-storage': this.ephemeralStorage = v; break;
      case 'pods': this.allowedPodNumber = v; break;
      default: this.scalar.set(name, v);
    }
  }

  add(o: Resources, sign = 1): void {
    this.milliCPU += sign * o.milliCPU;
    this.memory += sign * o.memory;
    this.ephemeralStorage += sign * o.ephemeralStorage;
    this.allowedPodNumber += sign * o.allowedPodNumber;
    for (const [k, v] of o.scalar) this.scalar.set(k, (this.scalar.get(k) ?? 0) + sign * v);
  }

  /** Element-wise maximum. */
  max(o: Resources): void {
    this.milliCPU = Math.max(this.milliCPU, o.milliCPU);
    this.memory = Math.max(this.memory, o.memory);
    this.ephemeralStorage = Math.max(this.ephemeralStorage, o.ephemeralStorage);
    for (const [k, v] of o.scalar) this.scalar.set(k, Math.max(this.scalar.get(k) ?? 0, v));
  }
}

/** cpu in millicores; everything else in units. */
function quantity(name: string, v: string | number): number {
  const n = parseQuantity(v) ?? 0;
  return name === 'cpu' ? Math.ceil(n * 1000 - 1e-9) : Math.ceil(n - 1e-9);
}

/** Upstream's defaults for scoring pods that request nothing (so they still spread). */
export const defaultMilliCPURequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

export function podRequests(pod: Pod): Resources {
  const total = new Resources();
  for (const c of pod.spec.containers ?? []) total.add(Resources.fromList(c.resources?.requests));
  const sidecars = new Resources();
  for (const c of pod.spec.initContainers ?? []) {
    const req = Resources.fromList(c.resources?.requests);
    if (c.restartPolicy === 'Always') {
      sidecars.add(req);
      total.add(req);
    } else {
      // A plain init container runs alone, next to the sidecars started before it.
      const during = new Resources();
      during.add(req);
      during.add(sidecars);
      total.max(during);
    }
  }
  if (pod.spec.overhead) total.add(Resources.fromList(pod.spec.overhead));
  return total;
}

/** cpu and memory as the scoring plugins count them: container defaults for unset requests. */
export function nonZeroRequests(pod: Pod): { milliCPU: number; memory: number } {
  let milliCPU = 0;
  let memory = 0;
  for (const c of pod.spec.containers ?? []) {
    const req = c.resources?.requests;
    milliCPU += req?.cpu !== undefined ? quantity('cpu', req.cpu) : defaultMilliCPURequest;
    memory += req?.memory !== undefined ? quantity('memory', req.memory) : defaultMemoryRequest;
  }
  if (pod.spec.overhead) {
    const o = Resources.fromList(pod.spec.overhead);
    milliCPU += o.milliCPU;
    memory += o.memory;
  }
  return { milliCPU, memory };
}
