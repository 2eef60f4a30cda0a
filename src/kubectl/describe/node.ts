/** `describe node`, as kubectl prints it: lease, conditions, capacity, system info, pods, totals. */
import type { KubeObject } from '../../api/types.js';
import { arr, describeEvents, obj, printAnnotations, printLabels, rfc1123z, since, str } from './common.js';
import type { Obj } from './common.js';
import { formatBytes, formatCpu, parseQuantity } from './quantity.js';
import { DescribeWriter } from './writer.js';

export interface NodeExtras {
  pods: KubeObject[];
  events: KubeObject[] | undefined;
  /** The node's Lease, or the error text kubectl shows when it cannot be read. */
  lease: KubeObject | { error: string };
}

function podTotals(pod: Obj): { req: Obj; lim: Obj } {
  const req: Record<string, number> = {}, lim: Record<string, number> = {};
  for (const c of arr(obj(pod['spec'])['containers']).map(obj)) {
    const r = obj(c['resources']);
    for (const [k, v] of Object.entries(obj(r['requests']))) req[k] = (req[k] ?? 0) + parseQuantity(v);
    for (const [k, v] of Object.entries(obj(r['limits']))) lim[k] = (lim[k] ?? 0) + parseQuantity(v);
  }
  // A limit without a request defaults the request, as the API server does for containers.
  for (const [k, v] of Object.entries(lim)) if (req[k] === undefined) req[k] = v;
  return { req, lim };
}

const fmt = (name: string, v: number): string => (name === 'cpu' ? formatCpu(v) : formatBytes(v));
const pct = (v: number, of: number): number => (of === 0 ? 0 : Math.trunc((v / of) * 100));

export function describeNode(node: KubeObject, extras: NodeExtras, now: number): string {
  const w = new DescribeWriter();
  const n = node as Obj;
  const meta = obj(n['metadata']);
  const spec = obj(n['spec']);
  const status = obj(n['status']);
  w.write(0, `Name:\t${str(meta['name'])}\n`);
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(obj(meta['labels']))) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(str(v));
  }
  w.write(0, `Roles:\t${roles.size ? [...roles].sort().join(',') : '<none>'}\n`);
  printLabels(w, 'Labels', meta['labels']);
  printAnnotations(w, 'Annotations', meta['annotations']);
  w.write(0, `CreationTimestamp:\t${rfc1123z(meta['creationTimestamp'])}\n`);
  const taints = arr(spec['taints']).map(obj).sort((a, b) => (`${str(a['effect'])},${str(a['key'])}` < `${str(b['effect'])},${str(b['key'])}` ? -1 : 1));
  w.write(0, 'Taints:\t');
  if (taints.length === 0) w.line('<none>');
  taints.forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${str(t['key'])}${t['value'] ? `=${str(t['value'])}` : ''}:${str(t['effect'])}\n`);
  });
  w.write(0, `Unschedulable:\t${spec['unschedulable'] === true}\n`);
  if ('error' in extras.lease) {
    w.write(0, `Lease:\tFailed to get lease: ${extras.lease.error}\n`);
  } else {
    const ls = obj((extras.lease as Obj)['spec']);
    w.write(0, 'Lease:\n');
    w.write(1, `HolderIdentity:\t${ls['holderIdentity'] ? str(ls['holderIdentity']) : '<unset>'}\n`);
    w.write(1, `AcquireTime:\t${ls['acquireTime'] ? rfc1123z(ls['acquireTime']) : '<unset>'}\n`);
    w.write(1, `RenewTime:\t${ls['renewTime'] ? rfc1123z(ls['renewTime']) : '<unset>'}\n`);
  }
  const conditions = arr(status['conditions']).map(obj);
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conditions) {
      w.write(1, `${str(c['type'])} \t${str(c['status'])} \t${rfc1123z(c['lastHeartbeatTime'])} \t${rfc1123z(c['lastTransitionTime'])} \t${str(c['reason'])} \t${str(c['message'])}\n`);
    }
  }
  w.write(0, 'Addresses:\n');
  for (const a of arr(status['addresses']).map(obj)) w.write(1, `${str(a['type'])}:\t${str(a['address'])}\n`);
  for (const [title, key] of [['Capacity', 'capacity'], ['Allocatable', 'allocatable']] as const) {
    const list = obj(status[key]);
    if (Object.keys(list).length === 0) continue;
    w.write(0, `${title}:\n`);
    for (const r of Object.keys(list).sort()) w.write(0, `  ${r}:\t${str(list[r])}\n`);
  }
  const info = obj(status['nodeInfo']);
  w.write(0, 'System Info:\n');
  for (const [label, key] of [['Machine ID', 'machineID'], ['System UUID', 'systemUUID'], ['Boot ID', 'bootID'], ['Kernel Version', 'kernelVersion'],
    ['OS Image', 'osImage'], ['Operating System', 'operatingSystem'], ['Architecture', 'architecture'],
    ['Container Runtime Version', 'containerRuntimeVersion'], ['Kubelet Version', 'kubeletVersion'], ['Kube-Proxy Version', 'kubeProxyVersion']] as const) {
    w.write(0, `  ${label}:\t${str(info[key])}\n`);
  }
  if (spec['podCIDR']) w.write(0, `PodCIDR:\t${str(spec['podCIDR'])}\n`);
  if (arr(spec['podCIDRs']).length > 0) w.write(0, `PodCIDRs:\t${arr(spec['podCIDRs']).map(str).join(',')}\n`);
  if (spec['providerID']) w.write(0, `ProviderID:\t${str(spec['providerID'])}\n`);
  const allocatable = Object.keys(obj(status['allocatable'])).length > 0 ? obj(status['allocatable']) : obj(status['capacity']);
  const alloc = (name: string): number => parseQuantity(allocatable[name]);
  w.write(0, `Non-terminated Pods:\t(${extras.pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const totalReq: Record<string, number> = {}, totalLim: Record<string, number> = {};
  for (const p of extras.pods) {
    const { req, lim } = podTotals(p as Obj);
    for (const [k, v] of Object.entries(req)) totalReq[k] = (totalReq[k] ?? 0) + Number(v);
    for (const [k, v] of Object.entries(lim)) totalLim[k] = (totalLim[k] ?? 0) + Number(v);
    const cell = (m: Obj, r: string): string => `${fmt(r, Number(m[r] ?? 0))} (${pct(Number(m[r] ?? 0), alloc(r))}%)`;
    w.write(1, `${p.metadata?.namespace ?? ''}\t${p.metadata?.name ?? ''}\t\t${cell(req, 'cpu')}\t${cell(lim, 'cpu')}\t${cell(req, 'memory')}\t${cell(lim, 'memory')}\t${since(p.metadata?.creationTimestamp, now)}\n`);
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const rq = totalReq[r] ?? 0, lm = totalLim[r] ?? 0;
    w.write(1, `${r}\t${fmt(r, rq)} (${pct(rq, alloc(r))}%)\t${fmt(r, lm)} (${pct(lm, alloc(r))}%)\n`);
  }
  for (const r of Object.keys(allocatable).filter((k) => k.startsWith('hugepages-')).sort()) {
    const rq = totalReq[r] ?? 0, lm = totalLim[r] ?? 0;
    w.write(1, `${r}\t${fmt(r, rq)} (${pct(rq, alloc(r))}%)\t${fmt(r, lm)} (${pct(lm, alloc(r))}%)\n`);
  }
  describeEvents(w, extras.events, now);
  return w.toString();
}
