/**
 * The MVCC key-value store every control-plane component's state lives in.
 *
 * Model (as etcd v3): one global revision counter, incremented by every successful write
 * (create, update, delete). Each key remembers the revision that created it
 * (createRevision) and the one that last changed it (modRevision). Reads can be served at
 * an older revision until that revision is compacted away.
 *
 * Expected outcomes (the key exists, the revision did not match, the revision was
 * compacted) are returned as values; exceptions are for broken backends and bugs.
 *
 * Lifecycle: open the backend (see sqlite/), use it, `close()` it once. `close()` ends every
 * open watch; it is idempotent.
 */

/** One stored value at one revision. Values are opaque strings (the API server stores JSON). */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
  /** Revision of the write that created this key (unchanged by updates). */
  readonly createRevision: number;
  /** Revision of the last write to this key. This is the object's resourceVersion. */
  readonly modRevision: number;
}

export interface RangeOptions {
  /** Read as of this revision (0 or undefined: the current one). */
  readonly revision?: number;
  /** Return at most this many items (0 or undefined: all). */
  readonly limit?: number;
  /** Start at this key (inclusive); used for continue tokens. Must lie under the prefix. */
  readonly startKey?: string;
}

export interface RangeResult {
  /** Items in ascending key order. */
  readonly items: KeyValue[];
  /** The revision the read was served at. */
  readonly revision: number;
  /** True when `limit` cut the result short; continue from the key after the last item. */
  readonly more: boolean;
}

export type WriteResult =
  | { readonly ok: true; readonly kv: KeyValue; readonly revision: number }
  /** The key already exists (create) or does not (update/delete), or its modRevision did not match. */
  | { readonly ok: false; readonly reason: 'exists' | 'not-found' | 'conflict'; readonly current?: KeyValue };

export type DeleteResult =
  | { readonly ok: true; readonly prev: KeyValue; readonly revision: number }
  | { readonly ok: false; readonly reason: 'not-found' | 'conflict'; readonly current?: KeyValue };

export type ReadAtRevisionError = { readonly ok: false; readonly reason: 'compacted' | 'future'; readonly compactRevision: number; readonly currentRevision: number };

export interface WatchEvent {
  readonly type: 'put' | 'delete';
  /** For put: the new value. For delete: the deleted value, with modRevision = the delete's revision. */
  readonly kv: KeyValue;
  /** The value before this event, when there was one. */
  readonly prev?: KeyValue;
  /** The revision of the write that caused the event. */
  readonly revision: number;
}

export interface Watch {
  /** Stops delivery; idempotent. */
  close(): void;
}

export interface WatchOptions {
  /** Deliver every event with revision > afterRevision (history first, then live). */
  readonly afterRevision: number;
  readonly onEvent: (event: WatchEvent) => void;
  /** Called at most once: the watch ended for a reason other than close() (compaction, store closed). */
  readonly onError?: (reason: 'compacted' | 'closed') => void;
}

export interface Store {
  /** The revision of the latest write (0 for an empty store). */
  currentRevision(): Promise<number>;
  /** The oldest revision that can still be read or watched from. */
  compactedRevision(): Promise<number>;

  get(key: string, options?: { readonly revision?: number }): Promise<KeyValue | undefined | ReadAtRevisionError>;
  range(prefix: string, options?: RangeOptions): Promise<RangeResult | ReadAtRevisionError>;
  /** Number of keys under the prefix at the current revision. */
  count(prefix: string): Promise<number>;

  /** Creates the key if absent. */
  create(key: string, value: string): Promise<WriteResult>;
  /** Replaces the value if the key's modRevision equals expectedModRevision. */
  update(key: string, value: string, expectedModRevision: number): Promise<WriteResult>;
  /** Deletes the key; when expectedModRevision is given it must match. */
  delete(key: string, expectedModRevision?: number): Promise<DeleteResult>;

  /**
   * Watches every key under the prefix. If afterRevision is older than the compacted
   * revision, onError('compacted') is called (asynchronously) and nothing is delivered.
   */
  watch(prefix: string, options: WatchOptions): Watch;

  /** Forgets history up to (not including) this revision; later reads below it are 'compacted'. */
  compact(revision: number): Promise<void>;

  close(): Promise<void>;
}
