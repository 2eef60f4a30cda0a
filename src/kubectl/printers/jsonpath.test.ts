import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeTemplate } from './jsonpath.js';
import { printCustomColumns } from './custom-columns.js';
import { printTable } from './table.js';

const list = {
  kind: 'List',
  items: [
    { metadata: { name: 'a', labels: { app: 'x' } }, spec: { containers: [{ name: 'c1', image: 'nginx' }, { name: 'c2', image: 'busybox' }] } },
    { metadata: { name: 'b' }, spec: { containers: [{ name: 'c1', image: 'redis' }] } },
  ],
};

test('jsonpath: fields, wildcards, indexes and slices', () => {
  assert.equal(executeTemplate('{.items[*].metadata.name}', list), 'a b');
  assert.equal(executeTemplate('{.items[0].spec.containers[-1:].image}', list), 'busybox');
  assert.equal(executeTemplate('{.items[1:].metadata.name}', list), 'b');
  assert.equal(executeTemplate('{.kind}', list), 'List');
  assert.equal(executeTemplate('{..image}', list), 'nginx busybox redis');
});

test('jsonpath: range/end, literals and filters', () => {
  assert.equal(executeTemplate('{range .items[*]}{.metadata.name}{"\\t"}{.spec.containers[*].name}{"\\n"}{end}', list), 'a\tc1 c2\nb\tc1\n');
  assert.equal(executeTemplate('{.items[?(@.metadata.name=="b")].spec.containers[0].image}', list), 'redis');
  assert.equal(executeTemplate('{.items[?(@.metadata.labels.app)].metadata.name}', list), 'a');
  assert.equal(executeTemplate('name={.items[0].metadata.labels}', list), 'name={"app":"x"}');
});

test('jsonpath: missing keys print nothing by default, fail when disallowed', () => {
  assert.equal(executeTemplate('{.nope}', list), '');
  assert.throws(() => executeTemplate('{.nope}', list, { allowMissingKeys: false }), /nope is not found/);
});

test('custom-columns: relaxed paths, comma-joined values, <none>', () => {
  assert.equal(printCustomColumns('NAME:metadata.name,IMAGES:.spec.containers[*].image,APP:{.metadata.labels.app}', list.items),
    'NAME   IMAGES          APP\na      nginx,busybox   x\nb      redis           <none>\n');
});

test('table: upper-cased headers, wide columns, namespace, labels and kind prefix', () => {
  const table = {
    columnDefinitions: [{ name: 'Name', priority: 0 }, { name: 'Status', priority: 0 }, { name: 'IP', priority: 1 }],
    rows: [{ cells: ['nginx', 'Running', '10.0.0.1'], object: { metadata: { name: 'nginx', namespace: 'default', labels: { b: '2', a: '1' } } } }],
  };
  assert.equal(printTable(table, {}), 'NAME    STATUS\nnginx   Running\n');
  assert.equal(printTable(table, { wide: true, noHeaders: true }), 'nginx   Running   10.0.0.1\n');
  assert.equal(printTable(table, { withNamespace: true, showLabels: true, kindPrefix: 'pod' }),
    'NAMESPACE   NAME        STATUS    LABELS\ndefault     pod/nginx   Running   a=1,b=2\n');
});

test('go tabwriter: column blocks end at lines without that column', async () => {
  const { goTabwrite } = await import('./gotabwriter.js');
  const text = 'Name:\tnginx\nNamespace:\tdefault\nContainers:\n  c:\n    Image:\tx\n    Environment:\t<none>\nVolumes:\t<none>\n';
  assert.equal(goTabwrite(text, { minwidth: 0, padding: 2 }),
    'Name:       nginx\nNamespace:  default\nContainers:\n  c:\n    Image:        x\n    Environment:  <none>\nVolumes:          <none>\n');
});
