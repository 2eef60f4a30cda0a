/**
 * The metrics API (metrics.k8s.io/v1beta1, what metrics-server serves): NodeMetrics and
 * PodMetrics built from the node agents' usage summaries. Agents in this process register a
 * provider; remote agents' summaries are pushed in. Figures older than a minute are not
 * served, as metrics-server drops stale scrapes.
 *
 * Nothing here is stored: metrics-api-storage.ts answers the store reads of these resources
 * from the summaries, so get, list, label selectors and all-namespaces work as for any resource.
 */
import type { KubeObject } from '../api/types.js';

// The summary shapes the node agent produces (src/kubelet/stats/types.ts), restated here so
// the API server does not import the agent: they travel as plain data (in-process or JSON).
export interface ContainerUsageSummary { readonly name: string; readonly cpuNanoCores: number; readonly memoryWorkingSetBytes: number }
export interface PodUsageSummary {
  readonly namespace: string; readonly name: string; readonly uid: string;
  readonly timestamp: string; readonly windowSeconds: number; readonly containers: readonly ContainerUsageSummary[];
}
export interface NodeUsageSummary { readonly nodeName: string; readonly timestamp: string; readonly windowSeconds: number; readonly cpuNanoCores: number; readonly memoryWorkingSetBytes: number }
export interface UsageSummary { readonly node?: NodeUsageSummary; readonly pods: readonly PodUsageSummary[] }

/** Something that knows one node's current figures (the in-process agent's stats loop). */
export interface MetricsProvider { summary(): UsageSummary }

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
const apiVersion = `${METRICS_GROUP}/${METRICS_VERSION}`;
/** metrics-server's default --metric-resolution is 15 s; it serves nothing older than a few resolutions. */
export const MAX_METRICS_AGE_MS = 60_000;

/** Where the server gets figures from: providers by node, and the last summary each remote node pushed. */
export class MetricsSources {
  private readonly providers = new Map<string, MetricsProvider>();
  private readonly pushed = new Map<string, UsageSummary>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Registers a node's provider; the returned function unregisters it. */
  register(nodeName: string, provider: MetricsProvider): () => void {
    this.providers.set(nodeName, provider);
    return () => {
      if (this.providers.get(nodeName) === provider) this.providers.delete(nodeName);
    };
  }

  /** Keeps a remote node's latest summary (replacing the one before). */
  push(nodeName: string, summary: UsageSummary): void {
    this.pushed.set(nodeName, summary);
  }

  /** Every node's current figures, without those older than MAX_METRICS_AGE_MS. */
  fresh(): { nodes: NodeUsageSummary[]; pods: PodUsageSummary[] } {
    const now = this.now().getTime();
    const isFresh = (timestamp: string): boolean => now - Date.parse(timestamp) <= MAX_METRICS_AGE_MS;
    const nodes: NodeUsageSummary[] = [];
    const pods: PodUsageSummary[] = [];
    const all = [...this.pushed].filter(([name]) => !this.providers.has(name)).map(([, s]) => s);
    for (const p of this.providers.values()) all.push(p.summary());
    for (const s of all) {
      if (s.node && isFresh(s.node.timestamp)) nodes.push(s.node);
      for (const p of s.pods) if (isFresh(p.timestamp)) pods.push(p);
    }
    return { nodes, pods };
  }
}

/** A quantity in nanocores, as metrics-server writes CPU. */
export function cpuQuantity(nanoCores: number): string {
  return `${Math.max(0, Math.round(nanoCores))}n`;
}

/** A quantity in Ki, as metrics-server writes memory. */
export function memoryQuantity(bytes: number): string {
  return `${Math.max(0, Math.round(bytes / 1024))}Ki`;
}

/** A Go duration string (`10.5s`), as the `window` field. */
export function windowDuration(seconds: number): string {
  return `${Number(seconds.toFixed(3))}s`;
}

export function nodeMetrics(n: NodeUsageSummary, labels: Record<string, string> | undefined, now: string): KubeObject {
  return {
    kind: 'NodeMetrics', apiVersion,
    metadata: { name: n.nodeName, creationTimestamp: now, ...(labels ? { labels } : {}) },
    timestamp: n.timestamp, window: windowDuration(n.windowSeconds),
    usage: { cpu: cpuQuantity(n.cpuNanoCores), memory: memoryQuantity(n.memoryWorkingSetBytes) },
  };
}

export function podMetrics(p: PodUsageSummary, labels: Record<string, string> | undefined, now: string): KubeObject {
  return {
    kind: 'PodMetrics', apiVersion,
    metadata: { name: p.name, namespace: p.namespace, creationTimestamp: now, ...(labels ? { labels } : {}) },
    timestamp: p.timestamp, window: windowDuration(p.windowSeconds),
    containers: p.containers.map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.cpuNanoCores), memory: memoryQuantity(c.memoryWorkingSetBytes) } })),
  };
}
