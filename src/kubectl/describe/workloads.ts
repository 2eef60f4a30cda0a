/** `describe` for deployments, services, namespaces, configmaps and nodes, as kubectl prints them. */
import type { KubeObject } from '../../api/types.js';
import { arr, describeEvents, obj, printAnnotations, printLabels, rfc1123z, str } from './common.js';
import type { Obj } from './common.js';
import { describePodTemplate } from './pod.js';
import { DescribeWriter } from './writer.js';

/** metav1.LabelSelector as a selector string (`app=web,tier in (a,b)`), `<none>` when empty. */
export function formatSelector(selector: unknown): string {
  const s = obj(selector);
  const parts = Object.keys(obj(s['matchLabels'])).sort().map((k) => `${k}=${str(obj(s['matchLabels'])[k])}`);
  for (const e of arr(s['matchExpressions']).map(obj)) {
    const values = arr(e['values']).map(str).sort().join(',');
    switch (e['operator']) {
      case 'In': parts.push(`${str(e['key'])} in (${values})`); break;
      case 'NotIn': parts.push(`${str(e['key'])} notin (${values})`); break;
      case 'Exists': parts.push(str(e['key'])); break;
      case 'DoesNotExist': parts.push(`!${str(e['key'])}`); break;
      default: break;
    }
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}

export function describeDeployment(d: KubeObject, replicaSets: { old: KubeObject[]; current: KubeObject[] } | undefined, events: KubeObject[] | undefined, now: number): string {
  const w = new DescribeWriter();
  const o = d as Obj;
  const meta = obj(o['metadata']);
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  w.write(0, `Name:\t${str(meta['name'])}\n`);
  w.write(0, `Namespace:\t${str(meta['namespace'])}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(meta['creationTimestamp'])}\n`);
  printLabels(w, 'Labels', meta['labels']);
  printAnnotations(w, 'Annotations', meta['annotations']);
  const matchAll = Object.keys(obj(spec['selector'])).length === 0;
  w.write(0, `Selector:\t${matchAll ? '' : formatSelector(spec['selector'])}\n`);
  const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
  w.write(0, `Replicas:\t${n(spec['replicas'])} desired | ${n(status['updatedReplicas'])} updated | ${n(status['replicas'])} total | ${n(status['availableReplicas'])} available | ${n(status['unavailableReplicas'])} unavailable\n`);
  const strategy = obj(spec['strategy']);
  w.write(0, `StrategyType:\t${str(strategy['type'])}\n`);
  w.write(0, `MinReadySeconds:\t${n(spec['minReadySeconds'])}\n`);
  if (strategy['rollingUpdate']) {
    const ru = obj(strategy['rollingUpdate']);
    w.write(0, `RollingUpdateStrategy:\t${str(ru['maxUnavailable'])} max unavailable, ${str(ru['maxSurge'])} max surge\n`);
  }
  describePodTemplate(w, obj(spec['template']));
  const conditions = arr(status['conditions']).map(obj);
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of conditions) w.write(1, `${str(c['type'])} \t${str(c['status'])}\t${str(c['reason'])}\n`);
  }
  if (replicaSets && (replicaSets.old.length > 0 || replicaSets.current.length > 0)) {
    const fmt = (list: KubeObject[]): string => list.map((rs) => `${rs.metadata?.name ?? ''} (${n(obj((rs as Obj)['status'])['replicas'])}/${n(obj((rs as Obj)['spec'])['replicas'])} replicas created)`).join(', ') || '<none>';
    w.write(0, `OldReplicaSets:\t${fmt(replicaSets.old)}\n`);
    w.write(0, `NewReplicaSet:\t${fmt(replicaSets.current)}\n`);
  }
  describeEvents(w, events, now);
  return w.toString();
}

/** kubectl's formatEndpointSlices: ready addresses (host:port), at most 3 and "+ N more...". */
export function formatEndpointSlices(slices: KubeObject[] | undefined, portName: string): string {
  if (!slices || slices.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const slice of slices.map((x) => x as Obj)) {
    const endpoints = arr(slice['endpoints']).map(obj);
    const ports = arr(slice['ports']).map(obj);
    const ready = (e: Obj): boolean => obj(e['conditions'])['ready'] !== false;
    if (ports.length === 0) {
      for (const e of endpoints) {
        if (list.length === max) more = true;
        if (!ready(e)) continue;
        if (!more) list.push(str(arr(e['addresses'])[0]));
        count++;
      }
      continue;
    }
    for (const port of ports) {
      if (str(port['name']) !== portName) continue;
      for (const e of endpoints) {
        if (list.length === max) more = true;
        const addr = str(arr(e['addresses'])[0]);
        if (!ready(e)) continue;
        if (!more) list.push(addr.includes(':') ? `[${addr}]:${str(port['port'])}` : `${addr}:${str(port['port'])}`);
        count++;
      }
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

export function describeService(svc: KubeObject, events: KubeObject[] | undefined, now: number, slices?: KubeObject[]): string {
  const w = new DescribeWriter();
  const o = svc as Obj;
  const meta = obj(o['metadata']);
  const spec = obj(o['spec']);
  w.write(0, `Name:\t${str(meta['name'])}\n`);
  w.write(0, `Namespace:\t${str(meta['namespace'])}\n`);
  printLabels(w, 'Labels', meta['labels']);
  printAnnotations(w, 'Annotations', meta['annotations']);
  const selector = Object.entries(obj(spec['selector'])).map(([k, v]) => `${k}=${str(v)}`).sort();
  w.write(0, `Selector:\t${selector.length ? selector.join(',') : '<none>'}\n`);
  w.write(0, `Type:\t${str(spec['type'])}\n`);
  if (spec['ipFamilyPolicy']) w.write(0, `IP Family Policy:\t${str(spec['ipFamilyPolicy'])}\n`);
  const families = arr(spec['ipFamilies']).map(str);
  w.write(0, `IP Families:\t${families.length ? families.join(',') : '<none>'}\n`);
  w.write(0, `IP:\t${str(spec['clusterIP'])}\n`);
  const ips = arr(spec['clusterIPs']).map(str);
  w.write(0, `IPs:\t${ips.length ? ips.join(',') : '<none>'}\n`);
  if (arr(spec['externalIPs']).length > 0) w.write(0, `External IPs:\t${arr(spec['externalIPs']).map(str).join(',')}\n`);
  if (spec['loadBalancerIP']) w.write(0, `Desired LoadBalancer IP:\t${str(spec['loadBalancerIP'])}\n`);
  if (spec['externalName']) w.write(0, `External Name:\t${str(spec['externalName'])}\n`);
  for (const p of arr(spec['ports']).map(obj)) {
    const name = str(p['name']) || '<unset>';
    w.write(0, `Port:\t${name}\t${str(p['port'])}/${str(p['protocol'])}\n`);
    w.write(0, `TargetPort:\t${str(p['targetPort'])}/${str(p['protocol'])}\n`);
    if (p['nodePort']) w.write(0, `NodePort:\t${name}\t${str(p['nodePort'])}/${str(p['protocol'])}\n`);
    w.write(0, `Endpoints:\t${formatEndpointSlices(slices, str(p['name']))}\n`);
  }
  w.write(0, `Session Affinity:\t${str(spec['sessionAffinity'])}\n`);
  if (spec['externalTrafficPolicy']) w.write(0, `External Traffic Policy:\t${str(spec['externalTrafficPolicy'])}\n`);
  if (spec['internalTrafficPolicy']) w.write(0, `Internal Traffic Policy:\t${str(spec['internalTrafficPolicy'])}\n`);
  if (spec['healthCheckNodePort']) w.write(0, `HealthCheck NodePort:\t${str(spec['healthCheckNodePort'])}\n`);
  describeEvents(w, events, now);
  return w.toString();
}

export function describeNamespace(ns: KubeObject): string {
  const w = new DescribeWriter();
  const meta = obj((ns as Obj)['metadata']);
  w.write(0, `Name:\t${str(meta['name'])}\n`);
  printLabels(w, 'Labels', meta['labels']);
  printAnnotations(w, 'Annotations', meta['annotations']);
  w.write(0, `Status:\t${str(obj((ns as Obj)['status'])['phase'])}\n`);
  return w.toString();
}

export function describeConfigMap(cm: KubeObject, events: KubeObject[] | undefined, now: number): string {
  const w = new DescribeWriter();
  const o = cm as Obj;
  const meta = obj(o['metadata']);
  w.write(0, `Name:\t${str(meta['name'])}\n`);
  w.write(0, `Namespace:\t${str(meta['namespace'])}\n`);
  printLabels(w, 'Labels', meta['labels']);
  printAnnotations(w, 'Annotations', meta['annotations']);
  w.write(0, '\nData\n====\n');
  // Go ranges over the map in random order; sorted keys are the stable choice.
  const data = obj(o['data']);
  for (const k of Object.keys(data).sort()) {
    w.write(0, `${k}:\n----\n`);
    w.write(0, `${str(data[k])}\n`);
    w.write(0, '\n');
  }
  w.write(0, '\nBinaryData\n====\n');
  const binary = obj(o['binaryData']);
  for (const k of Object.keys(binary).sort()) w.write(0, `${k}: ${Buffer.from(str(binary[k]), 'base64').length} bytes\n`);
  w.write(0, '\n');
  describeEvents(w, events, now);
  return w.toString();
}
