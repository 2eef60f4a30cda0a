/** `describe replicaset`, `statefulset` and `job`, as kubectl prints them. */
import type { KubeObject } from '../../api/types.js';
import { arr, describeEvents, humanDuration, obj, printAnnotations, printLabels, rfc1123z, str } from './common.js';
import type { Obj } from './common.js';
import { describePodTemplate } from './pod.js';
import { formatSelector } from './workloads.js';
import { DescribeWriter } from './writer.js';

export interface PodCounts { running: number; waiting: number; succeeded: number; failed: number }

/** Phases of the pods a controller owns (by controller reference uid), as kubectl counts them. */
export function countPods(pods: KubeObject[], ownerUid: string | undefined): PodCounts {
  const counts: PodCounts = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const p of pods) {
    const ref = (p.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
    if (!ref || ref.uid !== ownerUid) continue;
    const phase = str(obj((p as Obj)['status'])['phase']);
    if (phase === 'Running') counts.running++;
    else if (phase === 'Pending') counts.waiting++;
    else if (phase === 'Succeeded') counts.succeeded++;
    else if (phase === 'Failed') counts.failed++;
  }
  return counts;
}

const podsStatus = (c: PodCounts): string => `${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed`;

export function describeReplicaSet(rs: KubeObject, counts: PodCounts, events: KubeObject[] | undefined, now: number): string {
  const w = new DescribeWriter();
  const o = rs as Obj;
  const meta = obj(o['metadata']);
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  w.write(0, `Name:\t${str(meta['name'])}\n`);
  w.write(0, `Namespace:\t${str(meta['namespace'])}\n`);
  w.write(0, `Selector:\t${formatSelector(spec['selector'])}\n`);
  printLabels(w, 'Labels', meta['labels']);
  printAnnotations(w, 'Annotations', meta['annotations']);
  const controller = arr(meta['ownerReferences']).map(obj).find((r) => r['controller'] === true);
  if (controller) w.write(0, `Controlled By:\t${str(controller['kind'])}/${str(controller['name'])}\n`);
  w.write(0, `Replicas:\t${Number(status['replicas'] ?? 0)} current / ${Number(spec['replicas'] ?? 0)} desired\n`);
  w.write(0, 'Pods Status:\t');
  w.write(0, `${podsStatus(counts)}\n`);
  describePodTemplate(w, obj(spec['template']));
  const conditions = arr(status['conditions']).map(obj);
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of conditions) w.write(1, `${str(c['type'])} \t${str(c['status'])}\t${str(c['reason'])}\n`);
  }
  describeEvents(w, events, now);
  return w.toString();
}

export function describeStatefulSet(sts: KubeObject, counts: PodCounts, events: KubeObject[] | undefined, now: number): string {
  const w = new DescribeWriter();
  const o = sts as Obj;
  const meta = obj(o['metadata']);
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  w.write(0, `Name:\t${str(meta['name'])}\n`);
  w.write(0, `Namespace:\t${str(meta['namespace'])}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(meta['creationTimestamp'])}\n`);
  w.write(0, `Selector:\t${formatSelector(spec['selector'])}\n`);
  printLabels(w, 'Labels', meta['labels']);
  printAnnotations(w, 'Annotations', meta['annotations']);
  w.write(0, `Replicas:\t${Number(spec['replicas'] ?? 0)} desired | ${Number(status['replicas'] ?? 0)} total\n`);
  const strategy = obj(spec['updateStrategy']);
  w.write(0, `Update Strategy:\t${str(strategy['type'])}\n`);
  const ru = obj(strategy['rollingUpdate']);
  if (strategy['rollingUpdate'] && ru['partition'] !== undefined) {
    w.write(1, `Partition:\t${str(ru['partition'])}\n`);
    if (ru['maxUnavailable'] !== undefined) w.write(1, `MaxUnavailable:\t${str(ru['maxUnavailable'])}\n`);
  }
  w.write(0, `Pods Status:\t${podsStatus(counts)}\n`);
  describePodTemplate(w, obj(spec['template']));
  const claims = arr(spec['volumeClaimTemplates']).map(obj);
  if (claims.length === 0) {
    w.write(0, 'Volume Claims:\t<none>\n');
  } else {
    w.write(0, 'Volume Claims:\n');
    for (const c of claims) {
      const cm = obj(c['metadata']);
      const cs = obj(c['spec']);
      w.write(1, `Name:\t${str(cm['name'])}\n`);
      w.write(1, `StorageClass:\t${str(cs['storageClassName'])}\n`);
      printLabels(w, 'Labels', cm['labels'], '  ');
      printLabels(w, 'Annotations', cm['annotations'], '  ');
      const storage = obj(obj(cs['resources'])['requests'])['storage'];
      w.write(1, `Capacity:\t${storage === undefined ? '<default>' : str(storage)}\n`);
      w.write(1, `Access Modes:\t[${arr(cs['accessModes']).map(str).join(' ')}]\n`);
    }
  }
  describeEvents(w, events, now);
  return w.toString();
}

export function describeJob(job: KubeObject, events: KubeObject[] | undefined, now: number): string {
  const w = new DescribeWriter();
  const o = job as Obj;
  const meta = obj(o['metadata']);
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  w.write(0, `Name:\t${str(meta['name'])}\n`);
  w.write(0, `Namespace:\t${str(meta['namespace'])}\n`);
  w.write(0, `Selector:\t${formatSelector(spec['selector'])}\n`);
  printLabels(w, 'Labels', meta['labels']);
  printAnnotations(w, 'Annotations', meta['annotations']);
  const controller = arr(meta['ownerReferences']).map(obj).find((r) => r['controller'] === true);
  if (controller) w.write(0, `Controlled By:\t${str(controller['kind'])}/${str(controller['name'])}\n`);
  w.write(0, `Parallelism:\t${num(spec['parallelism'])}\n`);
  w.write(0, `Completions:\t${spec['completions'] === undefined ? '<unset>' : num(spec['completions'])}\n`);
  w.write(0, `Completion Mode:\t${str(spec['completionMode']) || 'NonIndexed'}\n`);
  w.write(0, `Suspend:\t${spec['suspend'] === true}\n`);
  w.write(0, `Backoff Limit:\t${num(spec['backoffLimit'])}\n`);
  if (spec['ttlSecondsAfterFinished'] !== undefined) w.write(0, `TTL Seconds After Finished:\t${num(spec['ttlSecondsAfterFinished'])}\n`);
  if (status['startTime']) w.write(0, `Start Time:\t${rfc1123z(status['startTime'])}\n`);
  if (status['completionTime']) {
    w.write(0, `Completed At:\t${rfc1123z(status['completionTime'])}\n`);
    if (status['startTime']) w.write(0, `Duration:\t${humanDuration(Date.parse(str(status['completionTime'])) - Date.parse(str(status['startTime'])))}\n`);
  }
  if (spec['activeDeadlineSeconds'] !== undefined) w.write(0, `Active Deadline Seconds:\t${num(spec['activeDeadlineSeconds'])}s\n`);
  w.write(0, `Pods Statuses:\t${num(status['active'])} Active (${num(status['ready'])} Ready) / ${num(status['succeeded'])} Succeeded / ${num(status['failed'])} Failed\n`);
  if (spec['completionMode'] === 'Indexed') {
    w.write(0, `Completed Indexes:\t${str(status['completedIndexes']) || '<none>'}\n`);
  }
  describePodTemplate(w, obj(spec['template']));
  describeEvents(w, events, now);
  return w.toString();
}
