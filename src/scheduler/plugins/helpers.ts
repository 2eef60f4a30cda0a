/** Matching rules several plugins share: node selector terms, tolerations, label selectors. */
import { labelSelectorFromObject, nothingLabels, type LabelSelector, type LabelSelectorObject } from '../../machinery/selectors.js';
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration } from '../framework/api.js';

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In': return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn': return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': case 'Lt': {
      if (value === undefined || !/^-?\d+$/.test(value)) return false;
      const bound = Number(r.values?.[0]);
      if (!Number.isFinite(bound)) return false;
      return r.operator === 'Gt' ? Number(value) > bound : Number(value) < bound;
    }
    default: return false;
  }
}

/** One term matches when all its expressions and fields do; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  for (const r of exprs) if (!requirementMatches(r, labels[r.key])) return false;
  for (const r of fields) if (!requirementMatches(r, r.key === 'metadata.name' ? node.metadata?.name : undefined)) return false;
  return true;
}

/** nodeSelector and required node affinity (terms are ORed). */
export function nodeMatchesPodSelectors(pod: Pod, node: Node): boolean {
  const selector = pod.spec.nodeSelector;
  if (selector) {
    const labels = node.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  }
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) return required.nodeSelectorTerms.some((t) => termMatches(t, node));
  return true;
}

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.operator === 'Exists') return !t.key || t.key === taint.key;
  if (t.key !== taint.key) return false;
  return (t.value ?? '') === (taint.value ?? '');
}

export function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], effects: ReadonlySet<string>): Taint | undefined {
  for (const taint of taints) {
    if (!effects.has(taint.effect)) continue;
    if (!tolerations.some((t) => tolerates(t, taint))) return taint;
  }
  return undefined;
}

const compiled = new WeakMap<object, LabelSelector>();

/** A metav1.LabelSelector compiled once per object; a nil or invalid selector selects nothing. */
export function compileSelector(sel: LabelSelectorObject | null | undefined): LabelSelector {
  if (!sel) return nothingLabels;
  let c = compiled.get(sel);
  if (!c) {
    const parsed = labelSelectorFromObject(sel);
    c = parsed.ok ? parsed.value : nothingLabels;
    compiled.set(sel, c);
  }
  return c;
}

/** Upstream's default normalization: scale to 0..100 by the maximum, optionally reversed. */
export function normalizeByMax(scores: Array<{ score: number }>, reverse: boolean): void {
  let max = 0;
  for (const s of scores) max = Math.max(max, s.score);
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = 100;
    return;
  }
  for (const s of scores) {
    const v = Math.floor((100 * s.score) / max);
    s.score = reverse ? 100 - v : v;
  }
}
