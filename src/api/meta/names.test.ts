import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './names.js';
import { validateObjectMeta } from './object-meta.js';

test('name rules accept and reject as upstream', () => {
  const cases: Array<[(v: string) => string[], string, boolean]> = [
    [isDNS1123Subdomain, 'web-1.example', true], [isDNS1123Subdomain, 'Web', false], [isDNS1123Subdomain, '-a', false],
    [isDNS1123Subdomain, 'a'.repeat(253), true], [isDNS1123Subdomain, 'a'.repeat(254), false],
    [isDNS1123Label, 'kube-system', true], [isDNS1123Label, 'a.b', false], [isDNS1123Label, 'a'.repeat(64), false], [isDNS1123Label, '1abc', true],
    [isDNS1035Label, 'my-svc', true], [isDNS1035Label, '1svc', false],
    [isQualifiedName, 'app', true], [isQualifiedName, 'app.kubernetes.io/name', true], [isQualifiedName, 'bad key', false],
    [isQualifiedName, 'Example.com/x', false], [isQualifiedName, '/x', false], [isQualifiedName, 'a/b/c', false],
    [isValidLabelValue, '', true], [isValidLabelValue, 'v1.2_3', true], [isValidLabelValue, '-bad', false], [isValidLabelValue, 'x'.repeat(64), false],
  ];
  for (const [fn, value, ok] of cases) assert.equal(fn(value).length === 0, ok, `${fn.name}(${value})`);
});

test('messages carry upstream text', () => {
  assert.deepEqual(isDNS1123Label('A_b'), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
  assert.match(isQualifiedName('bad key')[0] ?? '', /^name part must consist of alphanumeric characters/);
  assert.match(isQualifiedName('Bad.Prefix/x')[0] ?? '', /^prefix part a lowercase RFC 1123 subdomain/);
});

test('object metadata: name or generateName required, labels checked', () => {
  assert.deepEqual(validateObjectMeta({ metadata: {} }, 'subdomain'), [
    { field: 'metadata.name', type: 'FieldValueRequired', message: 'Required value: name or generateName is required' },
  ]);
  assert.deepEqual(validateObjectMeta({ metadata: { generateName: 'web-' } }, 'subdomain'), []);
  const errs = validateObjectMeta({ metadata: { name: 'ok', labels: { 'bad key': 'v', good: '-bad' } } }, 'subdomain');
  assert.deepEqual(errs.map((e) => e.field), ['metadata.labels', 'metadata.labels']);
  assert.match(errs[0]?.message ?? '', /^Invalid value: "bad key": name part must consist/);
  assert.match(errs[1]?.message ?? '', /^Invalid value: "-bad": a valid label must be an empty string/);
});
