/**
 * In-process watch fan-out for a store whose history lives in a database.
 *
 * A watch first replays history (afterRevision, revisionAtStart] from the database in
 * pages, then delivers live events published after it started. Because the database is
 * read synchronously on the one JS thread, no write can slip in between fixing
 * revisionAtStart and registering for live events, so nothing is missed or repeated.
 * Delivery is asynchronous (setImmediate) and per watcher in revision order, so a consumer
 * that writes from inside onEvent cannot reorder what other watchers see.
 */
import type { Watch, WatchEvent, WatchOptions } from '../types.js';

export interface HistorySource {
  /** Events for keys under prefix with afterRevision < revision <= untilRevision, oldest first. */
  readHistory(prefix: string, afterRevision: number, untilRevision: number, limit: number): WatchEvent[];
  compactedRevision(): number;
  currentRevision(): number;
}

const replayPageSize = 256;

export class WatchHub {
  private readonly watchers = new Set<HubWatcher>();

  constructor(private readonly source: HistorySource) {}

  watch(prefix: string, options: WatchOptions): Watch {
    const watcher = new HubWatcher(prefix, options, this.source, (w) => this.watchers.delete(w));
    if (options.afterRevision < this.source.compactedRevision()) {
      watcher.fail('compacted');
      return watcher;
    }
    this.watchers.add(watcher);
    watcher.start();
    return watcher;
  }

  /** Called after a write commits. */
  publish(event: WatchEvent): void {
    for (const watcher of this.watchers) watcher.offer(event);
  }

  /** Ends every watch with onError('closed'). */
  closeAll(): void {
    for (const watcher of [...this.watchers]) watcher.end('closed');
  }

  get size(): number {
    return this.watchers.size;
  }
}

class HubWatcher implements Watch {
  /** Revision of the last event delivered (or skipped over); only later ones are delivered. */
  private cursor: number;
  /** History up to this revision comes from the database; later events arrive live. */
  private readonly replayUntil: number;
  private replaying: boolean;
  private readonly pending: WatchEvent[] = [];
  private ended = false;
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    private readonly prefix: string,
    private readonly options: WatchOptions,
    private readonly source: HistorySource,
    private readonly onEnded: (w: HubWatcher) => void,
  ) {
    this.cursor = options.afterRevision;
    this.replayUntil = source.currentRevision();
    this.replaying = this.cursor < this.replayUntil;
  }

  start(): void {
    if (this.replaying) this.schedule();
  }

  offer(event: WatchEvent): void {
    if (this.ended || !event.kv.key.startsWith(this.prefix)) return;
    this.pending.push(event);
    this.schedule();
  }

  close(): void {
    this.stop();
  }

  /** Ends the watch and tells the consumer why, asynchronously (the caller may still be setting up). */
  fail(reason: 'compacted' | 'closed'): void {
    if (this.ended) return;
    this.stop();
    setImmediate(() => this.options.onError?.(reason));
  }

  /** Ends the watch and tells the consumer now. */
  end(reason: 'compacted' | 'closed'): void {
    if (this.ended) return;
    this.stop();
    this.options.onError?.(reason);
  }

  private stop(): void {
    this.ended = true;
    this.pending.length = 0;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.onEnded(this);
  }

  private schedule(): void {
    if (this.scheduled || this.ended) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.drain();
    });
  }

  private drain(): void {
    if (this.replaying) {
      this.replayPage();
      if (!this.ended) this.schedule();
      return;
    }
    const batch = this.pending.splice(0, this.pending.length);
    for (const event of batch) {
      if (this.ended) return;
      this.deliver(event);
    }
  }

  private replayPage(): void {
    if (this.cursor < this.source.compactedRevision()) {
      this.end('compacted');
      return;
    }
    const page = this.source.readHistory(this.prefix, this.cursor, this.replayUntil, replayPageSize);
    for (const event of page) {
      if (this.ended) return;
      this.deliver(event);
    }
    if (page.length < replayPageSize) {
      this.replaying = false;
      this.cursor = Math.max(this.cursor, this.replayUntil);
    }
  }

  private deliver(event: WatchEvent): void {
    // Live events at or below the cursor were already replayed (or precede afterRevision).
    if (event.revision <= this.cursor) return;
    this.cursor = event.revision;
    this.options.onEvent(event);
  }
}
