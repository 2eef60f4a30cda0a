/**
 * `kubectl top pod|node`: current CPU and memory from the metrics API (metrics.k8s.io),
 * printed as kubectl prints them (CPU in millicores, memory in Mi; for nodes also the share
 * of allocatable). Flags: -A, -l, --containers, --no-headers, --sort-by cpu|memory.
 */
import { flagBool, flagString, UsageError } from '../args.js';
import type { Command } from '../command.js';
import type { Factory } from '../factory.js';
import { formatColumns } from '../printers/index.js';
import { PlainMessageError } from '../report.js';
import { StatusError } from '../../client/index.js';
import { parseQuantity } from '../../machinery/quantity.js';

type Usage = { cpu?: string; memory?: string };
interface PodMetrics { metadata: { name: string; namespace?: string }; containers?: Array<{ name: string; usage?: Usage }> }
interface NodeMetrics { metadata: { name: string }; usage?: Usage }
interface NodeObject { metadata: { name: string }; status?: { allocatable?: Usage } }

const base = '/apis/metrics.k8s.io/v1beta1';

function milliCpu(q: string | undefined): number {
  const p = q === undefined ? undefined : parseQuantity(q);
  return p?.ok ? p.value.milliValue() : 0;
}

function bytes(q: string | undefined): number {
  const p = q === undefined ? undefined : parseQuantity(q);
  return p?.ok ? p.value.value() : 0;
}

/** kubectl's top printer ends every cell with a tab, so the last column is padded too. */
function table(header: string[], rows: string[][], noHeaders: boolean): string {
  return formatColumns((noHeaders ? rows : [header, ...rows]).map((r) => [...r, '']));
}

const cpuText = (milli: number): string => `${milli}m`;
const memText = (b: number): string => `${Math.floor(b / (1024 * 1024))}Mi`;

/** A list from the metrics API; a 404/503 there means the group is not served. */
async function listMetrics<T>(f: Factory, path: string, query: Record<string, string>): Promise<T> {
  try {
    return await f.client().get<T>(path, query);
  } catch (err: unknown) {
    // kubectl's wording when the group is not served.
    if (err instanceof StatusError && (err.code === 404 || err.code === 503)) throw new PlainMessageError('error: Metrics API not available');
    throw err;
  }
}

function sortRows<T>(rows: T[], sortBy: string | undefined, cpu: (r: T) => number, mem: (r: T) => number): T[] {
  if (sortBy === undefined || sortBy === '') return rows;
  if (sortBy !== 'cpu' && sortBy !== 'memory') throw new UsageError(`--sort-by accepts only cpu or memory`);
  return [...rows].sort((a, b) => (sortBy === 'cpu' ? cpu(b) - cpu(a) : mem(b) - mem(a)));
}

async function topPods(f: Factory, name: string | undefined): Promise<number> {
  const all = flagBool(f.args, 'all-namespaces');
  const namespace = f.namespace();
  const selector = flagString(f.args, 'selector');
  const path = all ? `${base}/pods` : `${base}/namespaces/${encodeURIComponent(namespace)}/pods${name ? `/${encodeURIComponent(name)}` : ''}`;
  // One pod: the server's NotFound is printed as is (as with metrics-server).
  const items = name && !all ? [await f.client().get<PodMetrics>(path)] : (await listMetrics<{ items: PodMetrics[] }>(f, path, selector ? { labelSelector: selector } : {})).items;
  if (items.length === 0) {
    f.io.err(all ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`);
    return 0;
  }
  const containers = flagBool(f.args, 'containers');
  const podCpu = (p: PodMetrics): number => (p.containers ?? []).reduce((n, c) => n + milliCpu(c.usage?.cpu), 0);
  const podMem = (p: PodMetrics): number => (p.containers ?? []).reduce((n, c) => n + bytes(c.usage?.memory), 0);
  const rows: string[][] = [];
  for (const p of sortRows(items, flagString(f.args, 'sort-by'), podCpu, podMem)) {
    const prefix = all ? [p.metadata.namespace ?? ''] : [];
    if (containers) {
      for (const c of p.containers ?? []) rows.push([...prefix, p.metadata.name, c.name, cpuText(milliCpu(c.usage?.cpu)), memText(bytes(c.usage?.memory))]);
    } else {
      rows.push([...prefix, p.metadata.name, cpuText(podCpu(p)), memText(podMem(p))]);
    }
  }
  const header = [...(all ? ['NAMESPACE'] : []), ...(containers ? ['POD', 'NAME'] : ['NAME']), 'CPU(cores)', 'MEMORY(bytes)'];
  f.io.out(table(header, rows, flagBool(f.args, 'no-headers')));
  return 0;
}

async function topNodes(f: Factory, name: string | undefined): Promise<number> {
  const selector = flagString(f.args, 'selector');
  const query: Record<string, string> = selector ? { labelSelector: selector } : {};
  const metrics = name ? [await f.client().get<NodeMetrics>(`${base}/nodes/${encodeURIComponent(name)}`)] : (await listMetrics<{ items: NodeMetrics[] }>(f, `${base}/nodes`, query)).items;
  const nodes = name ? [await f.client().get<NodeObject>(`/api/v1/nodes/${encodeURIComponent(name)}`)] : (await f.client().get<{ items: NodeObject[] }>('/api/v1/nodes', query)).items;
  const allocatable = new Map(nodes.map((n) => [n.metadata.name, n.status?.allocatable ?? {}]));
  const percent = (used: number, total: number): string => (total > 0 ? `${Math.floor((used * 100) / total)}%` : '<unknown>');
  const rows: string[][] = [];
  for (const m of sortRows(metrics, flagString(f.args, 'sort-by'), (x) => milliCpu(x.usage?.cpu), (x) => bytes(x.usage?.memory))) {
    const alloc = allocatable.get(m.metadata.name);
    if (!alloc) continue;
    const cpu = milliCpu(m.usage?.cpu);
    const mem = bytes(m.usage?.memory);
    rows.push([m.metadata.name, cpuText(cpu), percent(cpu, milliCpu(alloc.cpu)), memText(mem), percent(mem, bytes(alloc.memory))]);
  }
  // Nodes without figures yet are listed last, as kubectl does.
  const reported = new Set(metrics.map((m) => m.metadata.name));
  for (const n of nodes) if (!reported.has(n.metadata.name)) rows.push([n.metadata.name, '<unknown>', '<unknown>', '<unknown>', '<unknown>']);
  const header = ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'];
  f.io.out(table(header, rows, flagBool(f.args, 'no-headers')));
  return 0;
}

export const topCommand: Command = {
  name: 'top',
  flags: {
    'all-namespaces': { type: 'bool', short: 'A' },
    selector: { type: 'string', short: 'l' },
    containers: { type: 'bool' },
    'no-headers': { type: 'bool' },
    'sort-by': { type: 'string' },
  },
  async run(f) {
    const [kind, name] = f.args.positional;
    if (kind === 'pod' || kind === 'pods' || kind === 'po') return topPods(f, name);
    if (kind === 'node' || kind === 'nodes' || kind === 'no') return topNodes(f, name);
    throw new UsageError(kind === undefined ? 'You must specify a resource: pod or node' : `unknown resource "${kind}": top supports pod and node`);
  },
};
