/**
 * How a remote agent (not in the API server's process) reports: every interval it posts its
 * stats loop's summary to the API server's push endpoint (src/apiserver/metrics-api-push.ts),
 * which keeps the latest per node for the metrics API.
 *
 * Lifecycle: startStatsPush() starts the timer; stop() ends it and is idempotent.
 */
import type { RestClient } from '../../client/rest.js';
import type { StatsSummary } from './types.js';

/** Must match the API server's metricsPushPrefix. */
export const statsPushPath = (nodeName: string): string => `/internal/metrics/v1/nodes/${encodeURIComponent(nodeName)}`;

export interface StatsPushOptions {
  readonly rest: Pick<RestClient, 'create'>;
  readonly nodeName: string;
  readonly summary: () => StatsSummary;
  /** Default 10 s: several pushes fit in the minute after which the server drops figures. */
  readonly intervalMs?: number;
  readonly onError?: (err: unknown) => void;
}

export function startStatsPush(o: StatsPushOptions): { push(): Promise<void>; stop(): void } {
  let lastError = '';
  const push = async (): Promise<void> => {
    const summary = o.summary();
    if (!summary.node && summary.pods.length === 0) return;
    try {
      await o.rest.create(statsPushPath(o.nodeName), summary);
      lastError = '';
    } catch (err: unknown) {
      // The same failure every interval (e.g. an older server without the endpoint) is reported once.
      const text = err instanceof Error ? err.message : String(err);
      if (text !== lastError) o.onError?.(new Error(`stats: pushing the usage summary failed: ${text}`, { cause: err }));
      lastError = text;
    }
  };
  const timer = setInterval(() => { void push(); }, o.intervalMs ?? 10_000);
  timer.unref();
  return { push, stop: () => clearInterval(timer) };
}
