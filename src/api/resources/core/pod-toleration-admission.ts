/**
 * The DefaultTolerationSeconds admission step for new pods, as upstream's plugin does it: a
 * pod that does not tolerate the node.kubernetes.io/not-ready and /unreachable NoExecute
 * taints gets a toleration of each for a bounded time, so a node that misses a few Lease
 * renewals (a busy control plane) does not evict its pods at once.
 *
 * Upstream's default is 300 s. skiff's is 20 s: with the node lifecycle controller's 20 s
 * grace period, a lost node's pods are evicted after about 40 s and run elsewhere within a
 * minute (issue 6). SKIFF_DEFAULT_TOLERATION_SECONDS (read by the server process) changes it;
 * upstream's flags are --default-not-ready-toleration-seconds and
 * --default-unreachable-toleration-seconds.
 */
import { recordsAt, stringAt, type JsonRecord } from '../../meta/json.js';

export const defaultTolerationSecondsValue = 20;

function configuredSeconds(): number {
  const v = process.env['SKIFF_DEFAULT_TOLERATION_SECONDS'];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : defaultTolerationSecondsValue;
}

const taintKeys = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** Whether a toleration already covers key:NoExecute (an empty key with Exists tolerates all). */
function tolerates(t: JsonRecord, key: string): boolean {
  const effect = stringAt(t, 'effect');
  if (effect && effect !== 'NoExecute') return false;
  const tKey = stringAt(t, 'key') ?? '';
  return tKey === '' ? stringAt(t, 'operator') === 'Exists' : tKey === key;
}

export function admitDefaultTolerations(spec: JsonRecord, seconds = configuredSeconds()): void {
  const existing = recordsAt(spec, 'tolerations');
  const missing = taintKeys.filter((key) => !existing.some((t) => tolerates(t, key)));
  if (missing.length === 0) return;
  const list = Array.isArray(spec['tolerations']) ? (spec['tolerations'] as unknown[]) : (spec['tolerations'] = []);
  for (const key of missing) list.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
}
