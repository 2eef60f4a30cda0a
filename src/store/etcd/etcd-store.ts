/**
 * The Store on etcd v3, for control planes of several processes or machines.
 *
 * Revisions are etcd's own global revision. Every key of the store lives under a key prefix
 * (default "/skiff"), so one etcd can hold several stores; writes by anyone else in the same
 * etcd still advance the revision, so revisions of this store may jump by more than one.
 * Conditional writes are single etcd transactions (compare create/mod revision, then put or
 * delete, else read the current value), so they are atomic across every client of the etcd.
 *
 * Transport: the `etcd3` npm client's typed gRPC stubs (KV and Watch), for its connection
 * pool over several endpoints with failover (etcd-clients.ts). Its higher-level watcher is
 * not used: the store needs etcd's compaction answer and resumption from an exact revision
 * (etcd-watch.ts).
 */
import type { IRangeRequest, IRequestOp, ITxnResponse, ICompare, KVClient } from 'etcd3';
import type {
  DeleteResult, KeyValue, RangeOptions, RangeResult, ReadAtRevisionError, Store, Watch, WatchOptions, WriteResult,
} from '../types.js';
import { EtcdKeyspace, revisionNumber } from './keys.js';
import { EtcdWatch } from './etcd-watch.js';
import type { EtcdClient, EtcdConnectionOptions } from './etcd-clients.js';

export interface EtcdStoreOptions extends EtcdConnectionOptions {
  /** The etcd key prefix every key of this store lives under (non-empty; default '/skiff'). */
  readonly keyPrefix?: string;
  /** Where warnings go (default: process.emitWarning). */
  readonly warn?: (message: string) => void;
}

const compactedMessage = 'required revision has been compacted';
const futureMessage = 'required revision is a future revision';

export class EtcdStore implements Store {
  private readonly client: EtcdClient;
  /** Reads and watches: retried on transient errors, which is always safe for them. */
  private readonly kv: KVClient;
  /** Writes and compaction: retried only when they never reached etcd (etcd-clients.ts). */
  private readonly writerClient: EtcdClient;
  private readonly writer: KVClient;
  private readonly keyspace: EtcdKeyspace;
  /** The store's root key: a key no store key equals, used for revision-only reads. */
  private readonly probeKey: Buffer;
  private readonly watches = new Set<EtcdWatch>();
  private readonly warn: (message: string) => void;
  /** A lower bound of etcd's compaction revision (compaction only moves forward). */
  private knownCompacted = 0;
  private closed = false;

  /** Use openEtcdStore(); the clients come from connectEtcd() in etcd-clients.ts. */
  constructor(options: EtcdStoreOptions, clients: { readonly reader: EtcdClient; readonly writer: EtcdClient }) {
    const keyPrefix = options.keyPrefix ?? '/skiff';
    this.client = clients.reader;
    this.kv = this.client.kv;
    this.writerClient = clients.writer;
    this.writer = this.writerClient.kv;
    this.keyspace = new EtcdKeyspace(keyPrefix);
    this.probeKey = this.keyspace.encode('');
    this.warn = options.warn ?? ((message) => process.emitWarning(message));
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    const res = await this.kv.range({ key: this.probeKey, count_only: true });
    return revisionNumber(res.header.revision);
  }

  async compactedRevision(): Promise<number> {
    this.assertOpen();
    return this.findCompactedRevision();
  }

  async get(key: string, options: { readonly revision?: number } = {}): Promise<KeyValue | undefined | ReadAtRevisionError> {
    this.assertOpen();
    const request: IRangeRequest = { key: this.keyspace.encode(key) };
    if (options.revision) request.revision = options.revision;
    const res = await this.readAt(request, options.revision);
    if ('reason' in res) return res;
    const found = res.kvs[0];
    return found ? this.keyspace.toKeyValue(found) : undefined;
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult | ReadAtRevisionError> {
    this.assertOpen();
    const { key, rangeEnd } = this.keyspace.prefixRange(prefix);
    const request: IRangeRequest = {
      key: options.startKey !== undefined ? this.keyspace.encode(options.startKey) : key,
      range_end: rangeEnd,
    };
    if (options.revision) request.revision = options.revision;
    if (options.limit) request.limit = options.limit;
    const res = await this.readAt(request, options.revision);
    if ('reason' in res) return res;
    // etcd's header always carries its current revision, also for a read at an older one.
    const revision = options.revision || revisionNumber(res.header.revision);
    return { items: res.kvs.map((kv) => this.keyspace.toKeyValue(kv)), revision, more: res.more };
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    const { key, rangeEnd } = this.keyspace.prefixRange(prefix);
    const res = await this.kv.range({ key, range_end: rangeEnd, count_only: true });
    return Number(res.count);
  }

  async create(key: string, value: string): Promise<WriteResult> {
    this.assertOpen();
    const k = this.keyspace.encode(key);
    const res = await this.txn([{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }], { request_put: { key: k, value: Buffer.from(value, 'utf8') } }, k);
    if (!res.succeeded) {
      const current = this.currentFrom(res);
      return current ? { ok: false, reason: 'exists', current } : { ok: false, reason: 'exists' };
    }
    const revision = revisionNumber(res.header.revision);
    return { ok: true, kv: { key, value, createRevision: revision, modRevision: revision }, revision };
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<WriteResult> {
    this.assertOpen();
    const k = this.keyspace.encode(key);
    const res = await this.txn(
      [existsCompare(k), { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }],
      { request_put: { key: k, value: Buffer.from(value, 'utf8'), prev_kv: true } },
      k,
    );
    if (!res.succeeded) return this.refusal(res);
    const revision = revisionNumber(res.header.revision);
    const prev = res.responses[0]?.response_put.prev_kv;
    return { ok: true, kv: { key, value, createRevision: prev ? revisionNumber(prev.create_revision) : revision, modRevision: revision }, revision };
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    this.assertOpen();
    const k = this.keyspace.encode(key);
    const compares = [existsCompare(k)];
    if (expectedModRevision !== undefined) compares.push({ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision });
    const res = await this.txn(compares, { request_delete_range: { key: k, prev_kv: true } }, k);
    if (!res.succeeded) return this.refusal(res);
    const prev = res.responses[0]?.response_delete_range.prev_kvs[0];
    // The compare saw the key, and the delete ran in the same transaction: prev is there.
    if (!prev) throw new Error(`etcd deleted ${key} but returned no previous value`);
    return { ok: true, prev: this.keyspace.toKeyValue(prev), revision: revisionNumber(res.header.revision) };
  }

  watch(prefix: string, options: WatchOptions): Watch {
    const watch = new EtcdWatch(prefix, options, {
      keyspace: this.keyspace,
      openStream: () => this.client.watchClient.watch(),
      onEnded: (w) => this.watches.delete(w),
      warn: this.warn,
    });
    if (this.closed) {
      // As the SQLite backend does for a closed store: the watch ends at once, asynchronously.
      setImmediate(() => watch.end('closed'));
      return watch;
    }
    this.watches.add(watch);
    watch.start();
    return watch;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    try {
      // physical: return once etcd has removed the old revisions, not merely scheduled it.
      await this.writer.compact({ revision, physical: true });
    } catch (err: unknown) {
      // Another API server compacted as far already: nothing left to do.
      if (!messageOf(err).includes(compactedMessage)) {
        throw new Error(`etcd compaction to revision ${revision} failed: ${messageOf(err)}`, { cause: err });
      }
    }
    this.knownCompacted = Math.max(this.knownCompacted, revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of [...this.watches]) watch.end('closed');
    this.client.close();
    this.writerClient.close();
  }

  /** Open watches (for metrics and tests). */
  get watchCount(): number {
    return this.watches.size;
  }

  private async txn(compare: ICompare[], success: IRequestOp, key: Buffer): Promise<ITxnResponse> {
    return this.writer.txn({ compare, success: [success], failure: [{ request_range: { key } }] });
  }

  private currentFrom(res: ITxnResponse): KeyValue | undefined {
    const found = res.responses[0]?.response_range.kvs[0];
    return found ? this.keyspace.toKeyValue(found) : undefined;
  }

  /** Why a conditional update or delete did not run: the key is gone, or it changed. */
  private refusal(res: ITxnResponse): { ok: false; reason: 'not-found' | 'conflict'; current?: KeyValue } {
    const current = this.currentFrom(res);
    return current ? { ok: false, reason: 'conflict', current } : { ok: false, reason: 'not-found' };
  }

  /** A range read that answers 'compacted' or 'future' as values, as the Store promises. */
  private async readAt(request: IRangeRequest, revision: number | undefined) {
    try {
      return await this.kv.range(request);
    } catch (err: unknown) {
      const message = messageOf(err);
      if (message.includes(compactedMessage) && revision) {
        this.knownCompacted = Math.max(this.knownCompacted, revision + 1);
        const [compactRevision, currentRevision] = [await this.findCompactedRevision(), await this.currentRevision()];
        return { ok: false, reason: 'compacted', compactRevision, currentRevision } satisfies ReadAtRevisionError;
      }
      if (message.includes(futureMessage)) {
        const [compactRevision, currentRevision] = [await this.findCompactedRevision(), await this.currentRevision()];
        return { ok: false, reason: 'future', compactRevision, currentRevision } satisfies ReadAtRevisionError;
      }
      throw new Error(`etcd range failed: ${message}`, { cause: err });
    }
  }

  /**
   * etcd does not report its compaction revision except to a watch, and then only after
   * its next sync (~100 ms). It is the smallest revision still readable, and readability is
   * monotonic in the revision, so a binary search over revision-only reads finds it in
   * log2(current - known) round trips. Nothing compacted reads as 0, as in the SQLite store.
   */
  private async findCompactedRevision(): Promise<number> {
    let high = await this.currentRevision();
    let low = Math.min(Math.max(this.knownCompacted, 1), high);
    // Usually nothing changed since the last look: one read confirms it.
    if (low < high && (await this.readable(low))) high = low;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (await this.readable(middle)) high = middle;
      else low = middle + 1;
    }
    // Revision 1 readable: nothing was compacted away (etcd's history starts at 1).
    const compacted = high <= 1 ? 0 : high;
    this.knownCompacted = Math.max(this.knownCompacted, compacted);
    return compacted;
  }

  private async readable(revision: number): Promise<boolean> {
    try {
      await this.kv.range({ key: this.probeKey, count_only: true, revision });
      return true;
    } catch (err: unknown) {
      if (messageOf(err).includes(compactedMessage)) return false;
      throw new Error(`etcd range at revision ${revision} failed: ${messageOf(err)}`, { cause: err });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}

/** The key exists (has a version): an absent key's mod revision is 0, which must not match. */
function existsCompare(key: Buffer): ICompare {
  return { key, target: 'Version', result: 'Greater', version: 0 };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Connects to etcd and checks that it answers before handing out the store. */
export async function openEtcdStore(options: EtcdStoreOptions): Promise<EtcdStore> {
  // Loaded on first use: the gRPC client and etcd's protos add ~170 ms to every start of a
  // process that imports the store, and most run on SQLite.
  if (options.keyPrefix === '') throw new RangeError('the etcd key prefix must not be empty');
  const { connectEtcd } = await import('./etcd-clients.js');
  const store = new EtcdStore(options, connectEtcd(options));
  try {
    await store.currentRevision();
  } catch (err: unknown) {
    await store.close();
    throw new Error(`cannot reach etcd at ${options.endpoints.join(', ')}: ${messageOf(err)}`, { cause: err });
  }
  return store;
}
