/**
 * An informer: lists a resource into a local cache, then watches from the list's
 * resourceVersion and applies each event, calling handlers (client-go's reflector + shared
 * informer). A watch that ends is resumed from the last resourceVersion seen (bookmarks
 * included); a 410 Expired (compacted history) triggers a fresh list whose differences with
 * the cache are delivered as adds, updates and deletes. Other errors retry with backoff.
 *
 * Lifecycle: start() once (later calls do nothing); stop() aborts the watch and the retry
 * timer and is idempotent. Handlers run synchronously, in event order.
 */
import type { KubeObject } from '../../api/types.js';
import { StatusError } from '../errors.js';
import type { WatchEvent } from '../rest.js';
import type { ObjectList, ResourceClient } from '../typed/resource-client.js';
import { keyOf, ObjectCache } from './cache.js';
import { Lister } from './lister.js';

export interface ListWatch<T extends KubeObject> {
  list(opts: { limit?: number; continue?: string }): Promise<ObjectList<T>>;
  watch(opts: { resourceVersion: string; allowWatchBookmarks: boolean; timeoutSeconds: number; signal: AbortSignal }): AsyncIterable<WatchEvent<T | StatusBody>>;
}

interface StatusBody extends KubeObject { kind?: string; code?: number; reason?: string; message?: string }

export interface EventHandlers<T extends KubeObject> {
  onAdd?(obj: T, isInInitialList: boolean): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** For deletions noticed by a relist, the last state the cache knew. */
  onDelete?(obj: T): void;
}

export interface InformerOptions {
  /** Page size of lists (0: no paging). */
  readonly pageSize?: number;
  /** Called when a handler throws or a list/watch fails (the informer carries on). */
  readonly onError?: (err: unknown) => void;
  /** Backoff bounds after list/watch failures. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /**
   * Applied to every listed or watched object before it is cached or handed to handlers (as
   * client-go's SetTransform), e.g. stripManagedFields: a cache need not hold what its
   * consumers never read. It may change the object it is given (each informer decodes its own).
   */
  readonly transform?: (obj: KubeObject) => KubeObject;
}

/**
 * Drops metadata.managedFields: the scheduler and the controllers never read them, and on a
 * pod they are a good part of its size (kube-scheduler and kube-controller-manager drop them
 * too). Updates sent from such an object keep the stored managedFields (the API server carries
 * them over when a request has none).
 */
export function stripManagedFields(obj: KubeObject): KubeObject {
  // Set to undefined rather than deleted: a delete would turn every cached metadata object
  // into a slow dictionary-mode object. JSON.stringify leaves undefined members out.
  if (obj.metadata?.managedFields !== undefined) (obj.metadata as { managedFields?: unknown }).managedFields = undefined;
  return obj;
}

/** A ListWatch over a resource client, optionally narrowed to a namespace and selectors. */
export function listWatchFor<T extends KubeObject>(client: ResourceClient<T>, o: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}): ListWatch<T> {
  const selectors = { ...(o.labelSelector ? { labelSelector: o.labelSelector } : {}), ...(o.fieldSelector ? { fieldSelector: o.fieldSelector } : {}) };
  return {
    list: (opts) => client.list(o.namespace, { ...selectors, ...(opts.limit ? { limit: opts.limit } : {}), ...(opts.continue ? { continue: opts.continue } : {}) }),
    watch: (opts) => client.watch(o.namespace, { ...selectors, ...opts }),
  };
}

function isExpired(err: unknown): boolean {
  return err instanceof StatusError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone');
}

export class Informer<T extends KubeObject> {
  readonly cache = new ObjectCache<T>();
  readonly lister = new Lister<T>(this.cache);
  private readonly handlers = new Set<EventHandlers<T>>();
  private readonly abort = new AbortController();
  private synced = false;
  private started = false;
  private syncWaiters: Array<() => void> = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** The resourceVersion to resume from; undefined means "list first". */
  resourceVersion: string | undefined;

  constructor(private readonly lw: ListWatch<T>, private readonly opts: InformerOptions = {}) {}

  /** Adds handlers; objects already cached are delivered to them as adds. Returns a remover. */
  addEventHandler(h: EventHandlers<T>): () => void {
    this.handlers.add(h);
    if (this.synced && h.onAdd) for (const obj of this.cache.values()) this.call(() => h.onAdd?.(obj, true));
    return () => this.handlers.delete(h);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves after the first full list has been applied. */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  start(): void {
    if (this.started || this.abort.signal.aborted) return;
    this.started = true;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    if (!this.abort.signal.aborted) this.abort.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const w of this.syncWaiters.splice(0)) w();
    await this.running;
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err: unknown) {
      this.opts.onError?.(err);
    }
  }

  private async loop(): Promise<void> {
    const minBackoff = this.opts.minBackoffMs ?? 100;
    let backoff = minBackoff;
    while (!this.abort.signal.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.relist();
        if (this.abort.signal.aborted) return;
        await this.watchOnce();
        backoff = minBackoff;
      } catch (err: unknown) {
        if (this.abort.signal.aborted) return;
        if (isExpired(err)) {
          this.resourceVersion = undefined;
          continue;
        }
        this.opts.onError?.(err);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 5000);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.retryTimer = setTimeout(() => { this.retryTimer = undefined; resolve(); }, ms);
      this.abort.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  /** Lists every page, then brings the cache (and handlers) to exactly that state. */
  private async relist(): Promise<void> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.lw.list({ ...(this.opts.pageSize !== 0 ? { limit: this.opts.pageSize ?? 500 } : {}), ...(cont ? { continue: cont } : {}) });
      for (const item of page.items) items.push(item);
      cont = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion ?? rv;
    } while (cont);
    if (this.abort.signal.aborted) return;
    const seen = new Set<string>();
    const initial = !this.synced;
    for (const obj of items) {
      seen.add(keyOf(obj));
      this.apply('ADDED', obj, initial);
    }
    for (const key of [...this.cache.keys()]) {
      if (seen.has(key)) continue;
      const old = this.cache.delete(key);
      if (old) for (const h of this.handlers) this.call(() => h.onDelete?.(old));
    }
    this.resourceVersion = rv;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async watchOnce(): Promise<void> {
    const events = this.lw.watch({
      resourceVersion: this.resourceVersion ?? '0', allowWatchBookmarks: true,
      // Spread reconnects as client-go does (5-10 minutes).
      timeoutSeconds: 300 + Math.floor(Math.random() * 300), signal: this.abort.signal,
    });
    for await (const ev of events) {
      if (this.abort.signal.aborted) return;
      if (ev.type === 'ERROR') {
        const s = ev.object as StatusBody;
        if (s.code === 410 || s.reason === 'Expired' || s.reason === 'Gone') {
          this.resourceVersion = undefined;
          return;
        }
        throw new Error(`watch error: ${s.message ?? JSON.stringify(s)}`);
      }
      const obj = ev.object as T;
      const rv = obj.metadata?.resourceVersion;
      if (ev.type !== 'BOOKMARK') this.apply(ev.type, obj, false);
      if (rv) this.resourceVersion = rv;
    }
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', given: T, initial: boolean): void {
    const obj = this.opts.transform ? this.opts.transform(given) as T : given;
    if (type === 'DELETED') {
      const old = this.cache.delete(keyOf(obj));
      for (const h of this.handlers) this.call(() => h.onDelete?.(old ?? obj));
      return;
    }
    const old = this.cache.set(obj);
    if (old === undefined) {
      for (const h of this.handlers) this.call(() => h.onAdd?.(obj, initial));
    } else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion || type === 'MODIFIED') {
      for (const h of this.handlers) this.call(() => h.onUpdate?.(old, obj));
    }
  }
}
