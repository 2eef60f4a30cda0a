import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { StatusError } from '../errors.js';
import type { WatchEvent } from '../rest.js';
import { Informer, stripManagedFields, type ListWatch } from './informer.js';
import { labelSelectorFromSet } from '../../machinery/selectors.js';

const obj = (name: string, rv: number, labels: Record<string, string> = {}): KubeObject => ({ metadata: { name, namespace: 'ns', resourceVersion: String(rv), labels } });

/** A scripted ListWatch: lists return `state`; each watch call plays the next script. */
class ScriptedListWatch implements ListWatch<KubeObject> {
  state: KubeObject[] = [];
  rv = 1;
  lists = 0;
  watchFrom: string[] = [];
  scripts: Array<(signal: AbortSignal) => AsyncIterable<WatchEvent<KubeObject>>> = [];
  async list(): Promise<{ metadata: { resourceVersion: string }; items: KubeObject[] }> {
    this.lists++;
    return { metadata: { resourceVersion: String(this.rv) }, items: [...this.state] };
  }
  watch(opts: { resourceVersion: string; signal: AbortSignal }): AsyncIterable<WatchEvent<KubeObject>> {
    this.watchFrom.push(opts.resourceVersion);
    const next = this.scripts.shift();
    if (next) return next(opts.signal);
    return (async function* idle() {
      if (!opts.signal.aborted) await new Promise<void>((r) => opts.signal.addEventListener('abort', () => r(), { once: true }));
    })();
  }
}

test('lists, watches from the list resourceVersion, resumes after the stream ends, relists on 410', async () => {
  const lw = new ScriptedListWatch();
  lw.state = [obj('a', 1), obj('b', 1)];
  lw.rv = 5;
  lw.scripts.push(async function* first() {
    yield { type: 'ADDED', object: obj('c', 6) };
    yield { type: 'MODIFIED', object: obj('a', 7) };
    yield { type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } };
  });
  lw.scripts.push(async function* second() {
    // A compacted history: the server answers the resume with 410.
    throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version' });
  });
  const log: string[] = [];
  const inf = new Informer(lw, { minBackoffMs: 1 });
  inf.addEventHandler({
    onAdd: (o) => log.push(`add ${o.metadata?.name}`),
    onUpdate: (_o, n) => log.push(`update ${n.metadata?.name}@${n.metadata?.resourceVersion}`),
    onDelete: (o) => log.push(`delete ${o.metadata?.name}`),
  });
  // The second list (after 410) sees b deleted and d created while we were away.
  const relisted = new Promise<void>((resolve) => {
    const origList = lw.list.bind(lw);
    lw.list = async () => {
      if (lw.lists === 1) { lw.state = [obj('a', 7), obj('c', 6), obj('d', 20)]; lw.rv = 21; resolve(); }
      return origList();
    };
  });
  inf.start();
  await inf.waitForSync();
  await relisted;
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(lw.watchFrom, ['5', '9', '21'], 'resumes from bookmarks; after 410, from the new list');
  assert.equal(lw.lists, 2);
  assert.deepEqual(log, ['add a', 'add b', 'add c', 'update a@7', 'add d', 'delete b']);
  assert.deepEqual(inf.lister.list().map((o) => o.metadata?.name).sort(), ['a', 'c', 'd']);
  await inf.stop();
  await inf.stop();
});

test('listers filter by namespace and labels; late handlers get the cached objects', async () => {
  const lw = new ScriptedListWatch();
  lw.state = [obj('a', 1, { app: 'x' }), obj('b', 1, { app: 'y' }), { metadata: { name: 'c', namespace: 'other', resourceVersion: '1', labels: { app: 'x' } } }];
  const inf = new Informer(lw);
  inf.start();
  await inf.waitForSync();
  assert.equal(inf.hasSynced(), true);
  const sel = labelSelectorFromSet({ app: 'x' });
  assert.deepEqual(inf.lister.list({ selector: sel }).map((o) => o.metadata?.name).sort(), ['a', 'c']);
  assert.deepEqual(inf.lister.list({ namespace: 'ns', selector: sel }).map((o) => o.metadata?.name), ['a']);
  assert.equal(inf.lister.get('other', 'c')?.metadata?.name, 'c');
  const late: string[] = [];
  inf.addEventHandler({ onAdd: (o) => late.push(o.metadata?.name ?? '') });
  assert.equal(late.length, 3);
  await inf.stop();
});

test('a transform (stripManagedFields) shapes what is cached and handed to handlers, listed or watched', async () => {
  const lw = new ScriptedListWatch();
  const managed = (name: string, rv: number): KubeObject => ({ metadata: { ...obj(name, rv).metadata, managedFields: [{ manager: 'm', operation: 'Update' }] } });
  lw.state = [managed('a', 1)];
  lw.scripts.push(async function* one() { yield { type: 'ADDED', object: managed('b', 2) }; });
  const seen: KubeObject[] = [];
  const inf = new Informer(lw, { transform: stripManagedFields });
  inf.addEventHandler({ onAdd: (o) => seen.push(o) });
  inf.start();
  await inf.waitForSync();
  for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
  await inf.stop();
  assert.deepEqual(seen.map((o) => o.metadata?.name), ['a', 'b']);
  for (const o of seen) assert.equal(o.metadata?.managedFields, undefined);
  assert.equal([...inf.cache.values()].every((o) => o.metadata?.managedFields === undefined), true);
});
