/**
 * The storage of the metrics.k8s.io resources: a Store that answers reads under their key
 * prefixes from the agents' current figures (MetricsSources) and passes every other key to
 * the real store. Upstream's metrics-server is likewise a read-only REST storage over
 * in-memory figures; serving it at the store layer lets the one resource handler do get,
 * list, selectors, all-namespaces and Table output for it.
 *
 * Figures are served only for pods and nodes that exist (same uid for pods), with their
 * labels, so label selectors match the pods' own labels as with metrics-server.
 * Every read is answered at the real store's current revision; nothing is ever written.
 */
import type { KubeObject } from '../api/types.js';
import type { DeleteResult, KeyValue, RangeOptions, RangeResult, ReadAtRevisionError, Store, Watch, WriteResult } from '../store/types.js';
import { nodeMetricsType, podMetricsType } from './metrics-api-resources.js';
import { nodeMetrics, podMetrics, type MetricsSources } from './metrics-api.js';
import { listPrefix, objectKey, resourcePrefix } from './storage/keys.js';

const corePods = { group: '', plural: 'pods', namespaced: true };
const coreNodes = { group: '', plural: 'nodes', namespaced: false };
const metricsPrefixes = [resourcePrefix(nodeMetricsType), resourcePrefix(podMetricsType)];

function isMetricsKey(key: string): boolean {
  return metricsPrefixes.some((p) => key.startsWith(p));
}

type Meta = { uid?: string; labels?: Record<string, string> };

function metaOf(value: string): Meta {
  return ((JSON.parse(value) as KubeObject).metadata ?? {}) as Meta;
}

function isReadError(v: unknown): v is ReadAtRevisionError {
  return typeof v === 'object' && v !== null && (v as { ok?: unknown }).ok === false;
}

export function withMetricsStorage(store: Store, sources: MetricsSources, now: () => Date = () => new Date()): Store {
  /** The metrics objects under `prefix` (a list prefix or one object's key), keyed as the store keys them. */
  async function objectsUnder(prefix: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const fresh = sources.fresh();
    const created = now().toISOString().replace(/\.\d+Z$/, 'Z');
    if (prefix.startsWith(resourcePrefix(nodeMetricsType))) {
      const nodes = await store.range(resourcePrefix(coreNodes));
      const byName = new Map((isReadError(nodes) ? [] : nodes.items).map((kv) => [kv.key, metaOf(kv.value)]));
      for (const n of fresh.nodes) {
        const key = objectKey(nodeMetricsType, undefined, n.nodeName);
        const meta = byName.get(objectKey(coreNodes, undefined, n.nodeName));
        if (meta && key.startsWith(prefix)) out.set(key, JSON.stringify(nodeMetrics(n, meta.labels, created)));
      }
      return out;
    }
    // pods: `<prefix>` or `<prefix><ns>/` or `<prefix><ns>/<name>`; read the matching pods alone.
    const rest = prefix.slice(resourcePrefix(podMetricsType).length);
    const namespace = rest.split('/')[0] || undefined;
    const pods = await store.range(listPrefix(corePods, namespace));
    const byKey = new Map((isReadError(pods) ? [] : pods.items).map((kv) => [kv.key, metaOf(kv.value)]));
    for (const p of fresh.pods) {
      const key = objectKey(podMetricsType, p.namespace, p.name);
      const meta = byKey.get(objectKey(corePods, p.namespace, p.name));
      if (meta && meta.uid === p.uid && key.startsWith(prefix)) out.set(key, JSON.stringify(podMetrics(p, meta.labels, created)));
    }
    return out;
  }

  const asKv = (key: string, value: string, revision: number): KeyValue => ({ key, value, createRevision: revision, modRevision: revision });
  const noWrites: WriteResult = { ok: false, reason: 'not-found' };
  const overrides: Partial<Store> = {
    async get(key, options) {
      if (!isMetricsKey(key)) return store.get(key, options);
      const revision = await store.currentRevision();
      const value = (await objectsUnder(key)).get(key);
      return value === undefined ? undefined : asKv(key, value, revision);
    },
    async range(prefix: string, options?: RangeOptions): Promise<RangeResult | ReadAtRevisionError> {
      if (!isMetricsKey(prefix)) return store.range(prefix, options);
      const revision = await store.currentRevision();
      const keys = [...(await objectsUnder(prefix))].filter(([k]) => !options?.startKey || k >= options.startKey).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const limit = options?.limit && options.limit > 0 ? options.limit : keys.length;
      return { items: keys.slice(0, limit).map(([k, v]) => asKv(k, v, revision)), revision, more: keys.length > limit };
    },
    async count(prefix) {
      return isMetricsKey(prefix) ? (await objectsUnder(prefix)).size : store.count(prefix);
    },
    create: (key, value) => (isMetricsKey(key) ? Promise.resolve(noWrites) : store.create(key, value)),
    update: (key, value, rev) => (isMetricsKey(key) ? Promise.resolve(noWrites) : store.update(key, value, rev)),
    delete: (key, rev): Promise<DeleteResult> => (isMetricsKey(key) ? Promise.resolve({ ok: false, reason: 'not-found' }) : store.delete(key, rev)),
    watch(prefix, options): Watch {
      // The resources do not offer watch; a watch that never fires keeps any caller well-behaved.
      return isMetricsKey(prefix) ? { close: () => undefined } : store.watch(prefix, options);
    },
  };
  // Everything else (and whatever the Store interface gains later) goes to the real store.
  return new Proxy(store, {
    get(target, prop) {
      const own = (overrides as Record<string | symbol, unknown>)[prop];
      if (own !== undefined) return own;
      // Read on the target itself, so getters and private fields of a store class work.
      const v: unknown = Reflect.get(target, prop);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
