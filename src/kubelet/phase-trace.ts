/**
 * Per-pod phase timestamps for profiling pod start-up (bench:pods): when SKIFF_POD_TRACE names
 * a file, each mark appends one JSON line {uid, phase, t} (t: epoch ms, fractional). Off (and
 * free) otherwise.
 */
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const traceFile = process.env.SKIFF_POD_TRACE;

export function markPhase(uid: string, phase: string): void {
  if (!traceFile) return;
  appendFileSync(traceFile, `${JSON.stringify({ uid, phase, t: performance.timeOrigin + performance.now() })}\n`);
}
