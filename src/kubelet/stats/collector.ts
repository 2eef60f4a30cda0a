/**
 * The agent's stats loop: every interval it samples the cgroups of the pods' running
 * containers and the machine, and keeps the rates since the previous round as the current
 * summary (what the metrics API serves for this node).
 *
 * Lifecycle: start() takes the first round and starts the timer; stop() ends it and is
 * idempotent. summary() is cheap: it returns the last round's figures.
 */
import type { ContainerRuntime } from '../../engine/runtime/index.js';
import { labelContainerName, labelPodName, labelPodNamespace, labelPodUid } from '../container-config.js';
import { sampleProcess } from './cgroup.js';
import { sampleNode } from './node.js';
import { RateTracker, type Rate, type TimedSample } from './rates.js';
import type { CgroupSample, ContainerUsage, PodUsage, StatsSummary } from './types.js';

/** A running container of a pod, as the stats loop needs it. */
export interface PodContainer {
  readonly id: string;
  readonly pid: number;
  readonly podUid: string;
  readonly podNamespace: string;
  readonly podName: string;
  readonly containerName: string;
}

export interface StatsCollectorOptions {
  readonly nodeName: string;
  readonly listContainers: () => Promise<readonly PodContainer[]>;
  /** Default 5 s: short enough that a new pod shows figures soon, cheap (a few file reads per container). */
  readonly intervalMs?: number;
  readonly sampleContainer?: (c: PodContainer) => Promise<CgroupSample | undefined>;
  readonly sampleNode?: () => Promise<CgroupSample>;
  readonly onError?: (err: unknown) => void;
}

/** The running pod containers of an engine, by the labels the agent put on them. */
export function engineContainers(runtime: Pick<ContainerRuntime, 'list'>): () => Promise<PodContainer[]> {
  return async () => (await runtime.list()).flatMap((r) => {
    const l = r.config.labels;
    const podUid = l[labelPodUid];
    const containerName = l[labelContainerName];
    if (!podUid || !containerName || r.state.pid <= 0) return [];
    return [{ id: r.id, pid: r.state.pid, podUid, podNamespace: l[labelPodNamespace] ?? 'default', podName: l[labelPodName] ?? '', containerName }];
  });
}

const nodeKey = '\u0000node';

export class StatsCollector {
  private readonly tracker = new RateTracker();
  private current: StatsSummary = { pods: [] };
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly o: StatsCollectorOptions) {}

  async start(): Promise<void> {
    await this.tick();
    if (this.stopped) return;
    this.timer = setInterval(() => { void this.tick(); }, this.o.intervalMs ?? 5_000);
    this.timer.unref();
  }

  summary(): StatsSummary {
    return this.current;
  }

  /** One sampling round (also called by tests to avoid waiting for the timer). */
  tick(): Promise<void> {
    this.inFlight ??= this.sampleRound()
      .catch((err: unknown) => this.o.onError?.(new Error('stats: sampling failed', { cause: err })))
      .finally(() => { this.inFlight = undefined; });
    return this.inFlight;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sampleRound(): Promise<void> {
    const containers = await this.o.listContainers();
    const readContainer = this.o.sampleContainer ?? ((c: PodContainer) => sampleProcess(c.pid));
    const samples = new Map<string, TimedSample>();
    const at = (s: CgroupSample): TimedSample => ({ ...s, atNanos: Number(process.hrtime.bigint()) });
    const node = await (this.o.sampleNode ?? sampleNode)();
    samples.set(nodeKey, at(node));
    await Promise.all(containers.map(async (c) => {
      const s = await readContainer(c);
      if (s) samples.set(c.id, at(s));
    }));
    const rates = this.tracker.round(samples);
    const timestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.current = { ...nodeUsage(this.o.nodeName, rates.get(nodeKey), timestamp), pods: podUsages(containers, rates, timestamp) };
  }
}

function nodeUsage(nodeName: string, rate: Rate | undefined, timestamp: string): Pick<StatsSummary, 'node'> {
  if (!rate) return {};
  return { node: { nodeName, timestamp, windowSeconds: rate.windowSeconds, cpuNanoCores: rate.cpuNanoCores, memoryWorkingSetBytes: rate.memoryWorkingSetBytes } };
}

/** Pods whose containers all have a rate this round (a container just started has none yet). */
export function podUsages(containers: readonly PodContainer[], rates: ReadonlyMap<string, Rate>, timestamp: string): PodUsage[] {
  interface Acc { first: PodContainer; usages: ContainerUsage[]; window: number; complete: boolean }
  const byPod = new Map<string, Acc>();
  for (const c of containers) {
    const acc = byPod.get(c.podUid) ?? { first: c, usages: [], window: 0, complete: true };
    byPod.set(c.podUid, acc);
    const rate = rates.get(c.id);
    if (!rate) {
      acc.complete = false;
      continue;
    }
    acc.usages.push({ name: c.containerName, cpuNanoCores: rate.cpuNanoCores, memoryWorkingSetBytes: rate.memoryWorkingSetBytes });
    acc.window = Math.max(acc.window, rate.windowSeconds);
  }
  const out: PodUsage[] = [];
  for (const [uid, acc] of byPod) {
    if (!acc.complete) continue;
    out.push({
      namespace: acc.first.podNamespace, name: acc.first.podName, uid, timestamp, windowSeconds: acc.window,
      containers: acc.usages.sort((a, b) => a.name.localeCompare(b.name)),
    });
  }
  return out.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}
