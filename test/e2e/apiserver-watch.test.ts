/** Lists and watches: resourceVersion semantics, selectors, paging, tables, bookmarks, 410. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient, eventually, startServer, type ApiClient, type TestServer } from './helpers/server.js';

type List = { kind: string; apiVersion: string; metadata: { resourceVersion: string; continue?: string }; items: Array<{ kind: string; apiVersion: string; metadata: { name: string; resourceVersion: string } }> };
const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const cm = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { a: '1' } });

describe('apiserver: lists and watches', () => {
  let server: TestServer;
  let api: ApiClient;
  before(async () => {
    server = await startServer({ env: { SKIFF_BOOKMARK_INTERVAL_MS: '200', SKIFF_COMPACT_INTERVAL_MS: '300', SKIFF_COMPACT_RETAIN: '5' } });
    api = apiClient(server.kubeconfigPath);
    assert.equal((await api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'w' } } })).status, 201);
    for (let i = 0; i < 7; i++) {
      const r = await api.request('POST', '/api/v1/namespaces/w/configmaps', { body: cm(`item-${i}`, { parity: i % 2 === 0 ? 'even' : 'odd' }) });
      assert.equal(r.status, 201);
    }
  });
  after(async () => { await server?.stop(); });

  test('a list is a <Kind>List with the store revision and apiVersion/kind on each item', async () => {
    const list = (await api.request('GET', '/api/v1/namespaces/w/configmaps')).json<List>();
    assert.equal(list.kind, 'ConfigMapList');
    assert.equal(list.apiVersion, 'v1');
    assert.match(list.metadata.resourceVersion, /^\d+$/);
    assert.equal(list.items.length, 7);
    for (const i of list.items) { assert.equal(i.kind, 'ConfigMap'); assert.equal(i.apiVersion, 'v1'); }
    const maxItemRv = Math.max(...list.items.map((i) => Number(i.metadata.resourceVersion)));
    assert.ok(Number(list.metadata.resourceVersion) >= maxItemRv);
  });

  test('label and field selectors filter; unsupported fields are 400', async () => {
    const even = (await api.request('GET', '/api/v1/namespaces/w/configmaps?labelSelector=parity%3Deven')).json<List>();
    assert.deepEqual(even.items.map((i) => i.metadata.name), ['item-0', 'item-2', 'item-4', 'item-6']);
    const notOdd = (await api.request('GET', '/api/v1/namespaces/w/configmaps?labelSelector=parity!%3Dodd')).json<List>();
    assert.equal(notOdd.items.length, 4);
    const byName = (await api.request('GET', '/api/v1/configmaps?fieldSelector=metadata.name%3Ditem-3')).json<List>();
    assert.deepEqual(byName.items.map((i) => i.metadata.name), ['item-3']);
    const bad = await api.request('GET', '/api/v1/namespaces/w/configmaps?fieldSelector=spec.nope%3D1');
    assert.equal(bad.status, 400);
    const badLabel = await api.request('GET', '/api/v1/namespaces/w/configmaps?labelSelector=%3D%3D%3D');
    assert.equal(badLabel.status, 400);
    await api.request('POST', '/api/v1/namespaces/w/secrets', { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, type: 'example.com/x' } });
    const typed = (await api.request('GET', '/api/v1/namespaces/w/secrets?fieldSelector=type%3Dexample.com%2Fx')).json<List>();
    assert.deepEqual(typed.items.map((i) => i.metadata.name), ['s1']);
  });

  test('limit and continue page through a consistent list', async () => {
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await api.request('GET', `/api/v1/namespaces/w/configmaps?limit=3${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      const page = r.json<List>();
      names.push(...page.items.map((i) => i.metadata.name));
      token = page.metadata.continue;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(names, [0, 1, 2, 3, 4, 5, 6].map((i) => `item-${i}`));
    const bad = await api.request('GET', '/api/v1/namespaces/w/configmaps?limit=3&continue=garbage');
    assert.equal(bad.status, 400);
  });

  test('Table lists carry columns and PartialObjectMetadata rows (or full objects when asked)', async () => {
    const t = (await api.request('GET', '/api/v1/namespaces/w/configmaps?limit=500', { accept: tableAccept })).json<{ kind: string; columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[]; object: { kind: string; metadata: { name: string } } }> }>();
    assert.equal(t.kind, 'Table');
    assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'Data', 'Age']);
    assert.equal(t.rows.length, 7);
    assert.equal(t.rows[0]?.cells[0], 'item-0');
    assert.equal(t.rows[0]?.object.kind, 'PartialObjectMetadata');
    const full = (await api.request('GET', '/api/v1/namespaces/w/configmaps?includeObject=Object', { accept: tableAccept })).json<{ rows: Array<{ object: { kind: string; data: unknown } }> }>();
    assert.equal(full.rows[0]?.object.kind, 'ConfigMap');
    assert.deepEqual(full.rows[0]?.object.data, { a: '1' });
  });

  test('watch from a list revision sends only later changes; selector moves are ADDED/DELETED', async () => {
    const list = (await api.request('GET', '/api/v1/namespaces/w/configmaps')).json<List>();
    const w = await api.watch(`/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}&labelSelector=parity%3Deven`);
    try {
      await api.request('POST', '/api/v1/namespaces/w/configmaps', { body: cm('late-even', { parity: 'even' }) });
      await api.request('POST', '/api/v1/namespaces/w/configmaps', { body: cm('late-odd', { parity: 'odd' }) });
      await api.request('PATCH', '/api/v1/namespaces/w/configmaps/item-1', { body: { metadata: { labels: { parity: 'even' } } }, contentType: 'application/merge-patch+json' });
      await api.request('PATCH', '/api/v1/namespaces/w/configmaps/item-0', { body: { metadata: { labels: { parity: 'odd' } } }, contentType: 'application/merge-patch+json' });
      await api.request('DELETE', '/api/v1/namespaces/w/configmaps/late-even');
      await eventually(() => w.events().length >= 4);
      const seen = w.events().map((e) => `${e.type} ${(e.object.metadata as { name: string }).name}`);
      assert.deepEqual(seen, ['ADDED late-even', 'ADDED item-1', 'DELETED item-0', 'DELETED late-even']);
    } finally {
      w.close();
    }
  });

  test('watch with resourceVersion=0 starts with synthetic ADDED events (single-object watch)', async () => {
    const w = await api.watch('/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Ditem-2');
    try {
      await eventually(() => w.events().length >= 1);
      assert.equal(w.events()[0]?.type, 'ADDED');
      await api.request('PATCH', '/api/v1/namespaces/w/configmaps/item-2', { body: { data: { a: '2' } }, contentType: 'application/merge-patch+json' });
      await eventually(() => w.events().length >= 2);
      assert.equal(w.events()[1]?.type, 'MODIFIED');
      assert.equal(w.events().length, 2);
    } finally {
      w.close();
    }
  });

  test('Table watches send one-row Tables', async () => {
    const w = await api.watch('/api/v1/namespaces/w/configmaps?watch=true&fieldSelector=metadata.name%3Ditem-4', { accept: tableAccept });
    try {
      await eventually(() => w.events().length >= 1);
      const obj = w.events()[0]?.object as { kind: string; rows: Array<{ cells: unknown[] }> };
      assert.equal(obj.kind, 'Table');
      assert.equal(obj.rows.length, 1);
      assert.equal(obj.rows[0]?.cells[0], 'item-4');
    } finally {
      w.close();
    }
  });

  test('bookmarks arrive when allowed, and timeoutSeconds ends the stream', async () => {
    const list = (await api.request('GET', '/api/v1/namespaces/w/configmaps')).json<List>();
    const w = await api.watch(`/api/v1/namespaces/w/configmaps?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=${list.metadata.resourceVersion}`);
    await eventually(() => w.closed(), 5000);
    const bookmarks = w.events().filter((e) => e.type === 'BOOKMARK');
    assert.ok(bookmarks.length >= 1, 'at least one bookmark in a second');
    assert.match(String((bookmarks[0]?.object.metadata as { resourceVersion: string }).resourceVersion), /^\d+$/);
  });

  test('a watch from a compacted revision gets an ERROR event with 410 Expired', async () => {
    for (let i = 0; i < 10; i++) await api.request('PATCH', '/api/v1/namespaces/w/configmaps/item-5', { body: { data: { n: String(i) } }, contentType: 'application/merge-patch+json' });
    await new Promise((r) => setTimeout(r, 800));
    const w = await api.watch('/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=2');
    await eventually(() => w.events().length >= 1, 5000);
    const ev = w.events()[0];
    assert.equal(ev?.type, 'ERROR');
    assert.equal((ev?.object as { code: number }).code, 410);
    assert.equal((ev?.object as { reason: string }).reason, 'Expired');
    w.close();
  });
});
