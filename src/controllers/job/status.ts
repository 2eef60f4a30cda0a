/**
 * What a Job should do next, from its pods (upstream pkg/controller/job, counting pods rather
 * than tracking finalizers). Pure: decide() returns the target and the verdict; the
 * controller acts on it.
 */
import type { Job, Pod } from '../base/objects.js';
import { isPodActive, isPodReady } from '../base/pods.js';

export type Verdict =
  | { readonly kind: 'running'; readonly wantActive: number }
  | { readonly kind: 'complete' }
  | { readonly kind: 'failed'; readonly reason: 'BackoffLimitExceeded' | 'DeadlineExceeded'; readonly message: string };

export interface PodCounts { active: Pod[]; succeeded: number; failed: number; ready: number }

export function countPods(pods: readonly Pod[]): PodCounts {
  const active = pods.filter(isPodActive);
  return {
    active,
    succeeded: pods.filter((p) => p.status?.phase === 'Succeeded').length,
    failed: pods.filter((p) => p.status?.phase === 'Failed').length,
    ready: active.filter(isPodReady).length,
  };
}

/**
 * When the Job may start a pod again after failures (upstream's pod failure backoff):
 * base * 2^(failures-1) after the latest failure, capped at 6 minutes. Undefined: no wait.
 */
export function retryAfter(failedPods: readonly Pod[], baseMs: number): number | undefined {
  if (failedPods.length === 0) return undefined;
  const finishedAt = (p: Pod): number => {
    const statuses = (p.status?.['containerStatuses'] ?? []) as Array<{ state?: { terminated?: { finishedAt?: string } } }>;
    const times = statuses.map((s) => Date.parse(s.state?.terminated?.finishedAt ?? '')).filter(Number.isFinite);
    const ready = p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
    return Math.max(0, ...times, Number.isFinite(Date.parse(ready ?? '')) ? Date.parse(ready ?? '') : 0, Date.parse(p.metadata.creationTimestamp ?? '') || 0);
  };
  const last = Math.max(...failedPods.map(finishedAt));
  return last + Math.min(baseMs * 2 ** (failedPods.length - 1), 6 * 60_000);
}

export function finishedCondition(job: Job): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  return undefined;
}

export function decide(job: Job, counts: PodCounts, startTime: Date, now: Date): Verdict {
  const completions = job.spec.completions ?? null;
  if (completions !== null ? counts.succeeded >= completions : counts.succeeded > 0 && counts.active.length === 0) return { kind: 'complete' };
  if (counts.failed > (job.spec.backoffLimit ?? 6)) return { kind: 'failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
  const deadline = job.spec.activeDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && startTime.getTime() + deadline * 1000 <= now.getTime()) {
    return { kind: 'failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
  }
  const parallelism = job.spec.suspend ? 0 : (job.spec.parallelism ?? 1);
  // Work-queue jobs (no completions) stop starting pods once one has succeeded.
  const wantActive = completions === null ? (counts.succeeded > 0 ? counts.active.length : parallelism) : Math.min(parallelism, completions - counts.succeeded);
  return { kind: 'running', wantActive: Math.max(0, wantActive) };
}
