/**
 * Periodic store compaction, as upstream's apiserver asks etcd to compact: history older
 * than the newest `retain` revisions is dropped, so watches from a revision before that get
 * 410 Expired and clients relist.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';

export interface CompactorOptions {
  readonly intervalMs: number;
  /** Revisions of history to keep behind the current one. */
  readonly retain: number;
}

export function startCompactor(store: Store, o: CompactorOptions, logger: Logger): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      try {
        const current = await store.currentRevision();
        const target = current - o.retain;
        if (target > (await store.compactedRevision())) await store.compact(target);
      } catch (err: unknown) {
        logger.warn({ err }, 'store compaction failed; will retry');
      } finally {
        running = false;
      }
    })();
  }, o.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
