import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toYaml, sortYamlKeys } from './yaml.js';
import { toGoJson } from './json.js';

test('yaml: keys sorted as go-yaml v2, lists not indented, empty collections inline', () => {
  const out = toYaml({ spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }], volumes: [] }, kind: 'Pod', metadata: { labels: {} } });
  assert.equal(out, [
    'kind: Pod',
    'metadata:',
    '  labels: {}',
    'spec:',
    '  containers:',
    '  - name: a',
    '    ports:',
    '    - containerPort: 80',
    '  volumes: []',
    '',
  ].join('\n'));
});

test('yaml: natural key order puts shorter prefixes and digit runs as go-yaml does', () => {
  assert.deepEqual(sortYamlKeys(['app2', 'app.kubernetes.io/name', 'app', 'a10', 'a9']), ['a9', 'a10', 'app', 'app.kubernetes.io/name', 'app2']);
});

test('yaml: strings that would read back as other types are double-quoted', () => {
  assert.equal(toYaml({ a: 'true', b: '80', c: '', d: '2026-01-02T03:04:05Z', e: 'y', f: 'plain text', g: '1.5' }),
    'a: "true"\nb: "80"\nc: ""\nd: "2026-01-02T03:04:05Z"\ne: "y"\nf: plain text\ng: "1.5"\n');
});

test('yaml: indicators force single quotes; tabs force double quotes', () => {
  assert.equal(toYaml({ a: '*x', b: 'k: v', c: '- x', d: 'a\tb', e: "it's" }), "a: '*x'\nb: 'k: v'\nc: '- x'\nd: \"a\\tb\"\ne: it's\n");
});

test('yaml: multi-line strings become literal blocks with chomping indicators', () => {
  assert.equal(toYaml({ a: 'x\ny\n', b: 'x\ny', c: ['p\n'] }), 'a: |\n  x\n  y\nb: |-\n  x\n  y\nc:\n- |\n  p\n');
});

test('yaml: long plain strings fold at the first space past column 80', () => {
  const text = 'word '.repeat(20).trim();
  const out = toYaml({ key: text });
  const lines = out.split('\n');
  assert.equal(lines[0]?.length, 84); // 'key: word' then ' word' until the column passes 80
  assert.ok(lines[1]?.startsWith('  word'));
});

test('json: Go-style indentation, sorted keys and HTML escaping', () => {
  assert.equal(toGoJson({ b: 1, a: ['<x>'], c: {} }), '{\n    "a": [\n        "\\u003cx\\u003e"\n    ],\n    "b": 1,\n    "c": {}\n}\n');
});
