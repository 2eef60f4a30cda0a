/**
 * Where a DaemonSet's pods belong (upstream NodeShouldRunDaemonPod, minus resources: those
 * are the scheduler's call): the template's nodeSelector and required node affinity match
 * the node, and every NoSchedule/NoExecute taint is tolerated, counting the tolerations the
 * controller adds to every daemon pod. Pure.
 */
import type { Pod, PodTemplate } from '../base/objects.js';

export interface Taint { key: string; value?: string; effect: string }
export interface Toleration { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number }
export interface NodeObject { metadata: { name?: string; labels?: Record<string, string> }; spec?: { taints?: Taint[]; unschedulable?: boolean } }

interface Requirement { key: string; operator: string; values?: string[] }
interface Term { matchExpressions?: Requirement[]; matchFields?: Requirement[] }

/** Tolerations every daemon pod gets (upstream AddOrUpdateDaemonPodTolerations). */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
}

function requirementMatches(r: Requirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt': return value !== undefined && Number(value) < Number(values[0]);
    default: return false;
  }
}

function termMatches(term: Term, node: NodeObject): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  return exprs.every((r) => requirementMatches(r, node.metadata.labels?.[r.key]))
    && fields.every((r) => requirementMatches(r, r.key === 'metadata.name' ? node.metadata.name : undefined));
}

function requiredTerms(spec: PodTemplate['spec']): Term[] | undefined {
  const affinity = spec?.['affinity'] as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: Term[] } } } | undefined;
  return affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
}

export function shouldRunOn(template: PodTemplate, node: NodeObject): boolean {
  const spec = template.spec;
  const selector = (spec?.['nodeSelector'] ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(selector)) if (node.metadata.labels?.[k] !== v) return false;
  const terms = requiredTerms(spec);
  if (terms && terms.length > 0 && !terms.some((t) => termMatches(t, node))) return false;
  const tolerations = [...((spec?.['tolerations'] ?? []) as Toleration[]), ...daemonTolerations(spec?.['hostNetwork'] === true)];
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerations.some((t) => tolerates(t, taint))) return false;
  }
  return true;
}

/** The template for the pod on one node: pinned there by node affinity, as upstream does. */
export function templateForNode(template: PodTemplate, nodeName: string): PodTemplate {
  const t = structuredClone(template);
  const spec = (t.spec ??= {});
  const pin: Term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  const affinity = (spec['affinity'] ?? {}) as Record<string, unknown>;
  const nodeAffinity = (affinity['nodeAffinity'] ?? {}) as Record<string, unknown>;
  spec['affinity'] = { ...affinity, nodeAffinity: { ...nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [pin] } } };
  const own = (spec['tolerations'] ?? []) as Toleration[];
  const extra = daemonTolerations(spec['hostNetwork'] === true).filter((d) => !own.some((o) => o.key === d.key && o.effect === d.effect));
  spec['tolerations'] = [...own, ...extra];
  return t;
}

/** The node a daemon pod is on, or is pinned to while unscheduled. */
export function nodeOfPod(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = requiredTerms(pod.spec);
  const f = terms?.[0]?.matchFields?.find((r) => r.key === 'metadata.name' && r.operator === 'In');
  return f?.values?.[0];
}
