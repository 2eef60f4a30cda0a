/**
 * Kubernetes version priority (v1 > v1beta2 > v1beta1 > v1alpha1 > anything else, the
 * rest alphabetically), used to order and pick the preferred version of a group.
 */
const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

function rank(v: string): [number, number, number] | undefined {
  const m = KUBE_VERSION.exec(v);
  if (!m) return undefined;
  const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
  return [stability, Number(m[1]), Number(m[3] ?? 0)];
}

/** Negative when `a` has higher priority than `b`. */
export function compareKubeVersions(a: string, b: string): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra && rb) {
    for (let i = 0; i < 3; i++) if ((ra[i] ?? 0) !== (rb[i] ?? 0)) return (rb[i] ?? 0) - (ra[i] ?? 0);
    return 0;
  }
  if (ra) return -1;
  if (rb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
