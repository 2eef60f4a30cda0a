/**
 * One store watch on one etcd watch stream (gRPC multiplexes the streams of a client over
 * its HTTP/2 connection, so a stream per watch costs little and keeps the code simple).
 *
 * The stream is opened with start_revision = afterRevision and events at afterRevision are
 * dropped: etcd refuses a watch whose start revision lies below its compaction revision,
 * which is then exactly the store's rule "afterRevision older than the compacted revision
 * -> 'compacted'". When the stream breaks (etcd restarted, member lost) the watch reopens
 * from the last revision it delivered, so the consumer sees neither a gap nor a repeat.
 */
import type { IDuplexStream, IEvent, IWatchRequest, IWatchResponse } from 'etcd3';
import type { Watch, WatchEvent, WatchOptions } from '../types.js';
import { revisionNumber, type EtcdKeyspace } from './keys.js';

export type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

export interface EtcdWatchContext {
  readonly keyspace: EtcdKeyspace;
  openStream(): Promise<WatchStream>;
  /** Called once when the watch ends, for whatever reason. */
  onEnded(watch: EtcdWatch): void;
  /** Reports trouble that does not end the watch (a broken stream being reopened). */
  warn(message: string): void;
}

const firstRetryDelayMs = 50;
const maxRetryDelayMs = 2000;

export class EtcdWatch implements Watch {
  /** Revision of the last event delivered (or afterRevision); only later ones are delivered. */
  private cursor: number;
  private stream: WatchStream | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = firstRetryDelayMs;
  private ended = false;

  constructor(
    private readonly prefix: string,
    private readonly options: WatchOptions,
    private readonly context: EtcdWatchContext,
  ) {
    this.cursor = options.afterRevision;
  }

  start(): void {
    void this.connect();
  }

  close(): void {
    this.finish(undefined);
  }

  /** Ends the watch and tells the consumer why (unless it closed the watch itself). */
  end(reason: 'compacted' | 'closed'): void {
    this.finish(reason);
  }

  private finish(reason: 'compacted' | 'closed' | undefined): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.retryTimer);
    if (this.stream) stopStream(this.stream);
    this.stream = undefined;
    this.context.onEnded(this);
    if (reason) this.options.onError?.(reason);
  }

  private async connect(): Promise<void> {
    let stream: WatchStream;
    try {
      stream = await this.context.openStream();
    } catch (err: unknown) {
      this.retryLater(err);
      return;
    }
    stream.on('data', (res) => { if (stream === this.stream) this.onResponse(res); });
    stream.on('error', (err) => { if (stream === this.stream) this.onBroken(err); });
    stream.on('end', () => { if (stream === this.stream) this.onBroken(new Error('etcd ended the watch stream')); });
    if (this.ended) {
      stopStream(stream);
      return;
    }
    this.stream = stream;
    const { key, rangeEnd } = this.context.keyspace.prefixRange(this.prefix);
    // start_revision 0 would mean "from now" to etcd; revision 1 is the first that exists.
    stream.write({ create_request: { key, range_end: rangeEnd, start_revision: Math.max(this.cursor, 1), prev_kv: true } });
  }

  private onResponse(res: IWatchResponse): void {
    if (this.ended) return;
    if (revisionNumber(res.compact_revision) > 0) {
      this.end('compacted');
      return;
    }
    if (res.canceled) {
      // Not compaction: etcd refused the watch (permissions, a bad range). Retrying cannot help.
      this.context.warn(`etcd cancelled a watch on ${this.prefix}: ${res.cancel_reason || 'no reason given'}`);
      this.end('closed');
      return;
    }
    this.retryDelayMs = firstRetryDelayMs;
    for (const raw of res.events ?? []) {
      const event = this.toEvent(raw);
      if (event.revision <= this.cursor) continue;
      this.cursor = event.revision;
      this.options.onEvent(event);
      if (this.ended) return;
    }
  }

  private toEvent(raw: IEvent): WatchEvent {
    const keyspace = this.context.keyspace;
    const prev = raw.prev_kv ? keyspace.toKeyValue(raw.prev_kv) : undefined;
    const revision = revisionNumber(raw.kv.mod_revision);
    if (raw.type === 'Delete') {
      // etcd's delete event carries only the key; the store reports the deleted value.
      const kv = prev
        ? { ...prev, modRevision: revision }
        : { key: keyspace.decode(raw.kv.key), value: '', createRevision: 0, modRevision: revision };
      return prev ? { type: 'delete', kv, prev, revision } : { type: 'delete', kv, revision };
    }
    const kv = keyspace.toKeyValue(raw.kv);
    return prev ? { type: 'put', kv, prev, revision } : { type: 'put', kv, revision };
  }

  private onBroken(err: unknown): void {
    if (this.ended) return;
    if (this.stream) stopStream(this.stream);
    this.stream = undefined;
    this.retryLater(err);
  }

  private retryLater(err: unknown): void {
    if (this.ended) return;
    this.context.warn(`etcd watch on ${this.prefix} broke, reopening from revision ${this.cursor}: ${err instanceof Error ? err.message : String(err)}`);
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, maxRetryDelayMs);
    this.retryTimer = setTimeout(() => { void this.connect(); }, delay);
  }
}

/**
 * Half-closes before cancelling: the etcd3 client marks its host as failed (and drops every
 * connection to it) when a stream that is still writable reports an error, and a cancel
 * reports CANCELLED.
 */
function stopStream(stream: WatchStream): void {
  stream.end();
  stream.cancel();
}
