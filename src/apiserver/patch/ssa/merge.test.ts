import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaView } from '../schema.js';
import { POD, fixtureResolver } from '../testdata/schemas.js';
import { mergeApplied } from './merge.js';
import { typedContext } from './typed.js';

const view = new SchemaView(fixtureResolver);
const typed = typedContext(view, undefined);
const names = (list: unknown): string[] => (list as Array<{ name: string }>).map((c) => c.name);
const withContainers = (...n: string[]) => ({ spec: { containers: n.map((name) => ({ name })) } });

test('structured merge orders keyed lists as structured-merge-diff does', async (t) => {
  const cases: Array<[string, string[], string[], string[]]> = [
    ['append new', ['a', 'b'], ['a', 'b', 'c'], ['a', 'b', 'c']],
    ['live-only items keep their place', ['a', 'x', 'b'], ['a', 'b'], ['a', 'x', 'b']],
    ['configuration reorders shared items', ['a', 'b', 'c'], ['c', 'a'], ['b', 'c', 'a']],
    ['new item before a shared one', ['a', 'b'], ['n', 'b'], ['a', 'n', 'b']],
    ['disjoint', ['a'], ['b'], ['a', 'b']],
    ['empty live', [], ['a', 'b'], ['a', 'b']],
    ['empty configuration keeps live', ['a', 'b'], [], ['a', 'b']],
  ];
  for (const [name, live, config, expected] of cases) {
    await t.test(name, () => {
      const merged = mergeApplied(typed, withContainers(...live), withContainers(...config), view.component(POD)) as { spec: { containers: unknown } };
      assert.deepEqual(names(merged.spec.containers), expected);
    });
  }
});

test('structured merge: configuration values win, maps merge, atomic values are replaced', () => {
  const live = { metadata: { labels: { a: '1', b: '2' } }, spec: { containers: [{ name: 'c', image: 'old', command: ['a', 'b'], ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] }], tolerations: [{ key: 'x' }] } };
  const config = { metadata: { labels: { b: '3' } }, spec: { containers: [{ name: 'c', image: 'new', command: ['z'], ports: [{ containerPort: 80, hostPort: 8080 }] }], tolerations: [{ key: 'y' }] } };
  assert.deepEqual(mergeApplied(typed, live, config, view.component(POD)), {
    metadata: { labels: { a: '1', b: '3' } },
    spec: { containers: [{ name: 'c', image: 'new', command: ['z'], ports: [{ containerPort: 80, protocol: 'TCP', name: 'http', hostPort: 8080 }] }], tolerations: [{ key: 'y' }] },
  });
});
