import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  labelSelectorFromObject, labelSelectorFromSet, parseFieldSelector, parseLabelSelector, type LabelSelector, type LabelSelectorObject,
} from './selectors.js';

function mustParse(text: string): LabelSelector {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) assert.fail(`parse ${JSON.stringify(text)}: ${parsed.error}`);
  return parsed.value;
}

describe('label selector string form', () => {
  const cases: Array<{ selector: string; canonical: string; matches: Record<string, string>[]; rejects: Record<string, string>[] }> = [
    { selector: '', canonical: '', matches: [{}, { a: 'b' }], rejects: [] },
    { selector: 'a=b', canonical: 'a=b', matches: [{ a: 'b' }, { a: 'b', c: 'd' }], rejects: [{}, { a: 'c' }] },
    { selector: 'a==b', canonical: 'a==b', matches: [{ a: 'b' }], rejects: [{ a: 'x' }] },
    { selector: 'a!=b', canonical: 'a!=b', matches: [{}, { a: 'c' }], rejects: [{ a: 'b' }] },
    { selector: 'a', canonical: 'a', matches: [{ a: '' }, { a: 'x' }], rejects: [{ b: 'x' }] },
    { selector: '!a', canonical: '!a', matches: [{}, { b: 'a' }], rejects: [{ a: '' }] },
    { selector: 'env in (prod, staging)', canonical: 'env in (prod,staging)', matches: [{ env: 'prod' }, { env: 'staging' }], rejects: [{}, { env: 'dev' }] },
    { selector: 'env notin (prod)', canonical: 'env notin (prod)', matches: [{}, { env: 'dev' }], rejects: [{ env: 'prod' }] },
    { selector: 'a=', canonical: 'a=', matches: [{ a: '' }], rejects: [{}, { a: 'x' }] },
    { selector: 'a in ()', canonical: 'a in ()', matches: [{ a: '' }], rejects: [{ a: 'x' }] },
    { selector: 'x in (foo,,baz),y,z notin ()', canonical: 'x in (,baz,foo),y,z notin ()', matches: [{ x: 'foo', y: '1' }, { x: '', y: '', z: 'q' }], rejects: [{ x: 'foo' }, { x: 'foo', y: '1', z: '' }] },
    { selector: 'a in (in, notin)', canonical: 'a in (in,notin)', matches: [{ a: 'in' }], rejects: [{ a: 'x' }] },
    { selector: 'replicas>2', canonical: 'replicas>2', matches: [{ replicas: '3' }], rejects: [{ replicas: '2' }, { replicas: 'three' }, {}] },
    { selector: 'replicas<2', canonical: 'replicas<2', matches: [{ replicas: '1' }], rejects: [{ replicas: '2' }, {}] },
    { selector: 'z=1, a=2', canonical: 'a=2,z=1', matches: [{ a: '2', z: '1' }], rejects: [{ a: '2' }] },
    { selector: 'kubernetes.io/cluster-service=true', canonical: 'kubernetes.io/cluster-service=true', matches: [{ 'kubernetes.io/cluster-service': 'true' }], rejects: [{}] },
    { selector: 'app.kubernetes.io/name=web', canonical: 'app.kubernetes.io/name=web', matches: [{ 'app.kubernetes.io/name': 'web' }], rejects: [{ name: 'web' }] },
    { selector: ' a = b ,\tc ', canonical: 'a=b,c', matches: [{ a: 'b', c: '' }], rejects: [{ a: 'b' }] },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.selector)} reads as ${JSON.stringify(c.canonical)}`, () => {
      const selector = mustParse(c.selector);
      assert.equal(selector.toString(), c.canonical);
      for (const labels of c.matches) assert.equal(selector.matches(labels), true, `should match ${JSON.stringify(labels)}`);
      for (const labels of c.rejects) assert.equal(selector.matches(labels), false, `should not match ${JSON.stringify(labels)}`);
      // The canonical form parses back to the same selector.
      assert.equal(mustParse(selector.toString()).toString(), c.canonical);
    });
  }

  const errors: Array<{ selector: string; error: RegExp }> = [
    { selector: 'a=b,', error: /expected: identifier after ','/ },
    { selector: ',a', error: /found ',', expected: !, identifier/ },
    { selector: 'a b', error: /found 'b', expected: '=', '!=', '==', 'in', 'notin'/ },
    { selector: 'a in b', error: /expected: '\('/ },
    { selector: 'a in (b', error: /expected: ',', '\)' or identifier/ },
    { selector: 'a in (b c)', error: /found 'c'/ },
    { selector: 'a=(b)', error: /found '\(', expected: identifier/ },
    { selector: '!a=b', error: /expected: ',' or 'end of string'/ },
    { selector: 'a>b', error: /must be an integer/ },
    { selector: 'a>', error: /must be an integer/ },
    { selector: 'a=-b', error: /Invalid value: "-b"/ },
    { selector: 'a=' + 'x'.repeat(64), error: /no more than 63 characters/ },
    { selector: 'Bad_Prefix/a=b', error: /prefix part a lowercase RFC 1123 subdomain/ },
    { selector: 'a/b/c', error: /qualified name/ },
    { selector: '/a', error: /prefix part must be non-empty/ },
    { selector: 'a=b=c', error: /found '=', expected: ',' or 'end of string'/ },
    { selector: 'a!b', error: /found '!', expected: '='/ },
  ];
  for (const c of errors) {
    test(`${JSON.stringify(c.selector)} is refused with a clear message`, () => {
      const parsed = parseLabelSelector(c.selector);
      assert.equal(parsed.ok, false);
      assert.match(!parsed.ok ? parsed.error : '', c.error);
    });
  }
});

describe('label selector object form', () => {
  test('nil selects nothing and an empty selector selects everything', () => {
    const nil = labelSelectorFromObject(undefined);
    assert.ok(nil.ok && nil.value.matchesNothing && !nil.value.matches({}));
    const empty = labelSelectorFromObject({});
    assert.ok(empty.ok && empty.value.matches({}) && empty.value.matches({ a: 'b' }));
  });

  const cases: Array<{ object: LabelSelectorObject; canonical: string; matches: Record<string, string>; rejects: Record<string, string> }> = [
    { object: { matchLabels: { app: 'web', tier: 'fe' } }, canonical: 'app=web,tier=fe', matches: { app: 'web', tier: 'fe', x: 'y' }, rejects: { app: 'web' } },
    {
      object: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'qa'] }, { key: 'canary', operator: 'DoesNotExist' }] },
      canonical: 'app=web,!canary,env in (prod,qa)', matches: { app: 'web', env: 'qa' }, rejects: { app: 'web', env: 'qa', canary: 'true' },
    },
    { object: { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }, { key: 'b', operator: 'Exists' }] }, canonical: 'a notin (x),b', matches: { b: '' }, rejects: { a: 'x', b: '' } },
  ];
  for (const c of cases) {
    test(`${c.canonical}`, () => {
      const parsed = labelSelectorFromObject(c.object);
      assert.ok(parsed.ok, !parsed.ok ? parsed.error : '');
      assert.equal(parsed.value.toString(), c.canonical);
      assert.equal(parsed.value.matches(c.matches), true);
      assert.equal(parsed.value.matches(c.rejects), false);
    });
  }

  const invalid: Array<{ object: LabelSelectorObject; error: RegExp }> = [
    { object: { matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] }, error: /"in" is not a valid label selector operator/ },
    { object: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, error: /values set can't be empty/ },
    { object: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, error: /must be empty for exists/ },
    { object: { matchLabels: { 'a b': 'x' } }, error: /key: Invalid value: "a b"/ },
    { object: { matchLabels: { a: 'x y' } }, error: /Invalid value: "x y"/ },
  ];
  for (const c of invalid) {
    test(`refuses ${JSON.stringify(c.object)}`, () => {
      const parsed = labelSelectorFromObject(c.object);
      assert.equal(parsed.ok, false);
      assert.match(!parsed.ok ? parsed.error : '', c.error);
    });
  }

  test('a label set becomes an equality selector', () => {
    const selector = labelSelectorFromSet({ b: '2', a: '1' });
    assert.equal(selector.toString(), 'a=1,b=2');
    assert.equal(selector.matches({ a: '1', b: '2' }), true);
    assert.equal(selector.matches({ a: '1' }), false);
  });
});

describe('field selectors', () => {
  const pod = { 'metadata.name': 'web-1', 'metadata.namespace': 'default', 'status.phase': 'Running', 'spec.nodeName': '' };
  const cases: Array<{ selector: string; canonical: string; matches: boolean }> = [
    { selector: '', canonical: '', matches: true },
    { selector: 'metadata.name=web-1', canonical: 'metadata.name=web-1', matches: true },
    { selector: 'metadata.name==web-1', canonical: 'metadata.name==web-1', matches: true },
    { selector: 'metadata.namespace!=kube-system,metadata.name=web-1', canonical: 'metadata.name=web-1,metadata.namespace!=kube-system', matches: true },
    { selector: 'metadata.namespace!=default', canonical: 'metadata.namespace!=default', matches: false },
    { selector: 'status.phase=Pending', canonical: 'status.phase=Pending', matches: false },
    { selector: 'spec.nodeName=', canonical: 'spec.nodeName=', matches: true },
    { selector: 'spec.unknown=', canonical: 'spec.unknown=', matches: true },
    { selector: 'metadata.name=a\\,b', canonical: 'metadata.name=a\\,b', matches: false },
    // kubectl describe node: the same field twice, and an empty value.
    { selector: 'spec.nodeName=,status.phase!=Succeeded,status.phase!=Failed', canonical: 'spec.nodeName=,status.phase!=Failed,status.phase!=Succeeded', matches: true },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.selector)}`, () => {
      const parsed = parseFieldSelector(c.selector);
      assert.ok(parsed.ok, !parsed.ok ? parsed.error : '');
      assert.equal(parsed.value.toString(), c.canonical);
      assert.equal(parsed.value.matches(pod), c.matches);
    });
  }

  test('escaped characters are unescaped in values and pinned fields are reported', () => {
    const parsed = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d,metadata.namespace!=x');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.requirements.map((r) => [r.field, r.operator, r.value]), [
      ['metadata.name', '=', 'a,b=c\\d'], ['metadata.namespace', '!=', 'x'],
    ]);
    assert.equal(parsed.value.requiresExactMatch('metadata.name'), 'a,b=c\\d');
    assert.equal(parsed.value.requiresExactMatch('metadata.namespace'), undefined);
    assert.equal(parsed.value.matches({ 'metadata.name': 'a,b=c\\d', 'metadata.namespace': 'y' }), true);
  });

  const invalid: Array<{ selector: string; error: RegExp }> = [
    { selector: 'metadata.name', error: /invalid selector: 'metadata.name'; can't understand 'metadata.name'/ },
    { selector: 'a=b,c', error: /can't understand 'c'/ },
    { selector: 'a=b=c', error: /'=' must be escaped/ },
    { selector: 'a=b\\x', error: /invalid escape sequence/ },
  ];
  for (const c of invalid) {
    test(`refuses ${JSON.stringify(c.selector)}`, () => {
      const parsed = parseFieldSelector(c.selector);
      assert.equal(parsed.ok, false);
      assert.match(!parsed.ok ? parsed.error : '', c.error);
    });
  }
});
