/**
 * Typed access to API objects in the MVCC store: JSON values whose resourceVersion is the
 * key's modRevision (it is never stored inside the value). Expected outcomes become
 * ApiErrors here, so handlers stay linear.
 */
import type { KubeObject, ResourceType } from '../../api/types.js';
import { errors } from '../../machinery/errors.js';
import type { KeyValue, ReadAtRevisionError, Store, Watch, WatchEvent } from '../../store/types.js';
import { listPrefix, objectKey } from './keys.js';

export interface StoredObject {
  readonly object: KubeObject;
  readonly modRevision: number;
}

export interface ListPage {
  readonly items: KubeObject[];
  readonly revision: number;
  /** Opaque token for the next page; undefined on the last page. */
  readonly continueToken?: string;
  readonly remaining?: number;
}

export function decodeKv(kv: KeyValue): KubeObject {
  const obj = JSON.parse(kv.value) as KubeObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(kv.modRevision) };
  return obj;
}

/*
 * One decoded object per stored value: the store hands out the same KeyValue for a value
 * (to every watch, and to reads of recently written keys), so it is parsed at most once, and
 * a value this server wrote is never parsed at all (the written object is registered). These
 * objects are shared: code that gets one (watch fan-out, getShared) only reads it.
 */
const sharedObjects = new WeakMap<KeyValue, KubeObject>();

/** The object in `kv`, shared with every other reader of the same KeyValue: never change it. */
export function sharedObject(kv: KeyValue): KubeObject {
  let obj = sharedObjects.get(kv);
  if (!obj) {
    obj = decodeKv(kv);
    sharedObjects.set(kv, obj);
  }
  return obj;
}

/** The written object as the store now holds it (the caller hands over `obj`; it is not copied). */
function withResourceVersion(obj: KubeObject, modRevision: number): KubeObject {
  const { resourceVersion: _rv, ...meta } = obj.metadata ?? {};
  return { ...obj, metadata: { ...meta, resourceVersion: String(modRevision) } };
}

/**
 * The JSON of objects this server wrote, exactly as JSON.stringify would give it: responses
 * and watch event lines reuse it instead of encoding the object again.
 */
const writtenJson = new WeakMap<KubeObject, string>();

/** JSON.stringify(obj) if it is already known (a written object), else undefined. */
export function knownJson(obj: unknown): string | undefined {
  return typeof obj === 'object' && obj !== null ? writtenJson.get(obj as KubeObject) : undefined;
}

/**
 * An object's JSON in pieces: each top-level member but metadata, each metadata member but
 * resourceVersion. The stored value and the JSON of the written object (the same with the
 * resourceVersion last in metadata, as withResourceVersion puts it) are joined from them.
 */
class EncodedObject {
  private readonly top: Array<string | undefined> = [];
  private readonly meta: string[] = [];

  constructor(obj: KubeObject) {
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'metadata') {
        this.top.push(undefined);
        continue;
      }
      const json = JSON.stringify(v);
      if (json !== undefined) this.top.push(`${JSON.stringify(k)}:${json}`);
    }
    if (!('metadata' in obj)) this.top.push(undefined);
    for (const [k, v] of Object.entries(obj.metadata ?? {})) {
      if (k === 'resourceVersion') continue;
      const json = JSON.stringify(v);
      if (json !== undefined) this.meta.push(`${JSON.stringify(k)}:${json}`);
    }
  }

  private join(metadata: string): string {
    return `{${this.top.map((p) => p ?? `"metadata":${metadata}`).join(',')}}`;
  }

  /** The stored value: no resourceVersion (it is the key's modRevision). */
  stored(): string {
    return this.join(`{${this.meta.join(',')}}`);
  }

  /** JSON.stringify(withResourceVersion(obj, modRevision)). */
  written(modRevision: number): string {
    return this.join(`{${[...this.meta, `"resourceVersion":${JSON.stringify(String(modRevision))}`].join(',')}}`);
  }
}

/**
 * Registers the written object as the decoded value of its KeyValue (watches then skip the
 * parse) and returns it. The object is shared from here on: the write paths only read what
 * they return.
 */
function registered(kv: KeyValue, obj: KubeObject, encoded: EncodedObject): KubeObject {
  sharedObjects.set(kv, obj);
  writtenJson.set(obj, encoded.written(kv.modRevision));
  return obj;
}

function isReadError(v: unknown): v is ReadAtRevisionError {
  return typeof v === 'object' && v !== null && (v as { ok?: unknown }).ok === false;
}

interface ContinueState { rv: number; start: string }

function encodeContinue(s: ContinueState): string {
  return Buffer.from(JSON.stringify(s)).toString('base64url');
}

function decodeContinue(token: string, prefix: string): ContinueState {
  try {
    const s = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueState>;
    if (typeof s.rv === 'number' && typeof s.start === 'string' && s.start.startsWith(prefix)) return { rv: s.rv, start: s.start };
  } catch { /* falls through to the error below */ }
  throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

export class ObjectStorage {
  constructor(readonly store: Store) {}

  async get(rt: ResourceType, namespace: string | undefined, name: string): Promise<StoredObject | undefined> {
    const kv = await this.store.get(objectKey(rt, namespace, name));
    if (kv === undefined || isReadError(kv)) return undefined;
    return { object: decodeKv(kv), modRevision: kv.modRevision };
  }

  /** As get, but the object may be shared with other readers (watches): the caller must not change it. */
  async getShared(rt: ResourceType, namespace: string | undefined, name: string): Promise<StoredObject | undefined> {
    const kv = await this.store.get(objectKey(rt, namespace, name));
    if (kv === undefined || isReadError(kv)) return undefined;
    return { object: sharedObject(kv), modRevision: kv.modRevision };
  }

  async mustGetShared(rt: ResourceType, namespace: string | undefined, name: string): Promise<StoredObject> {
    const found = await this.getShared(rt, namespace, name);
    if (!found) throw errors.notFound(rt.plural, rt.group, name);
    return found;
  }

  async mustGet(rt: ResourceType, namespace: string | undefined, name: string): Promise<StoredObject> {
    const found = await this.get(rt, namespace, name);
    if (!found) throw errors.notFound(rt.plural, rt.group, name);
    return found;
  }

  /**
   * One page of a list. `filter` runs before the limit, so pages hold matching items only;
   * a continue token pins later pages to the first page's revision, as upstream does.
   */
  async list(rt: ResourceType, namespace: string | undefined, opts: { limit?: number; continueToken?: string; revision?: number; filter?: (o: KubeObject) => boolean; exactName?: string }): Promise<ListPage> {
    // A selector pinning one name in one namespace (kubectl's single-object watches and
    // waits) reads that key alone.
    if (opts.exactName !== undefined && !opts.continueToken && !opts.revision && (namespace !== undefined || !rt.namespaced)) {
      // Revision first: a write racing this read is then replayed by a watch, never lost.
      const before = await this.store.currentRevision();
      const kv = await this.store.get(objectKey(rt, namespace, opts.exactName));
      const obj = kv && !isReadError(kv) ? decodeKv(kv) : undefined;
      const revision = Math.max(before, kv && !isReadError(kv) ? kv.modRevision : 0);
      return { items: obj && (!opts.filter || opts.filter(obj)) ? [obj] : [], revision };
    }
    const prefix = listPrefix(rt, namespace);
    let revision = opts.revision ?? 0;
    let start: string | undefined;
    if (opts.continueToken) {
      const c = decodeContinue(opts.continueToken, prefix);
      revision = c.rv;
      start = c.start;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: KubeObject[] = [];
    // Reads in batches so a selective filter with a small limit still fills the page.
    const batch = limit > 0 ? Math.max(limit + 1, 100) : 0;
    for (;;) {
      const r = await this.store.range(prefix, { ...(revision ? { revision } : {}), ...(batch ? { limit: batch } : {}), ...(start ? { startKey: start } : {}) });
      if (isReadError(r)) {
        if (r.reason === 'compacted') throw errors.gone(`The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results.`);
        throw errors.gone(`Too large resource version: ${revision}, current: ${r.currentRevision}`);
      }
      revision = r.revision;
      for (const kv of r.items) {
        const obj = decodeKv(kv);
        if (opts.filter && !opts.filter(obj)) continue;
        if (limit > 0 && items.length === limit) {
          return { items, revision, continueToken: encodeContinue({ rv: revision, start: kv.key }) };
        }
        items.push(obj);
      }
      const last = r.items[r.items.length - 1];
      if (!r.more || !last) return { items, revision };
      start = `${last.key}\u0000`;
    }
  }

  /** Creates the object; 409 AlreadyExists when the name is taken. */
  /** Creates the object; 409 AlreadyExists when the name is taken. Returns `obj` with its resourceVersion. */
  async create(rt: ResourceType, obj: KubeObject): Promise<KubeObject> {
    const name = obj.metadata?.name ?? '';
    const encoded = new EncodedObject(obj);
    const r = await this.store.create(objectKey(rt, obj.metadata?.namespace, name), encoded.stored());
    if (!r.ok) throw errors.alreadyExists(rt.plural, rt.group, name);
    return registered(r.kv, withResourceVersion(obj, r.kv.modRevision), encoded);
  }

  /** Replaces the object if it is still at `modRevision`; undefined on a lost race. */
  async update(rt: ResourceType, obj: KubeObject, modRevision: number): Promise<KubeObject | undefined> {
    const name = obj.metadata?.name ?? '';
    const encoded = new EncodedObject(obj);
    const r = await this.store.update(objectKey(rt, obj.metadata?.namespace, name), encoded.stored(), modRevision);
    if (r.ok) return registered(r.kv, withResourceVersion(obj, r.kv.modRevision), encoded);
    if (r.reason === 'not-found') throw errors.notFound(rt.plural, rt.group, name);
    return undefined;
  }

  /** Deletes the object if it is still at `modRevision`; undefined on a lost race. */
  async delete(rt: ResourceType, namespace: string | undefined, name: string, modRevision: number): Promise<KubeObject | undefined> {
    const r = await this.store.delete(objectKey(rt, namespace, name), modRevision);
    if (r.ok) return decodeKv({ ...r.prev, modRevision: r.revision });
    if (r.reason === 'not-found') throw errors.notFound(rt.plural, rt.group, name);
    return undefined;
  }

  watch(rt: ResourceType, namespace: string | undefined, afterRevision: number, onEvent: (e: WatchEvent) => void, onError: (reason: 'compacted' | 'closed') => void): Watch {
    return this.store.watch(listPrefix(rt, namespace), { afterRevision, onEvent, onError });
  }
}
