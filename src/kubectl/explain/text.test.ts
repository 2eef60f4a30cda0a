import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indent, wrap } from './text.js';
import { typeGuess } from './render.js';

test('explain text: wrap at the last space within the width, lines kept, long words not broken', () => {
  assert.equal(wrap('aaa bbb ccc ddd', 7), 'aaa bbb\nccc ddd');
  assert.equal(wrap('short\nline two is longer', 8), 'short\nline two\nis\nlonger');
  assert.equal(wrap('https://example.com/a/very/long/url next', 10), 'https://example.com/a/very/long/url\nnext');
  assert.equal(indent('a\n\nb', 2), '  a\n  \n  b');
});

test('explain types: arrays, maps, refs to objects and to primitive types', () => {
  const doc = { components: { schemas: { 'io.k8s.api.core.v1.Container': { type: 'object' as const }, 'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string' as const } } } };
  assert.equal(typeGuess({ type: 'array', items: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }] } }, doc), '[]Container');
  assert.equal(typeGuess({ type: 'object', additionalProperties: { type: 'string' } }, doc), 'map[string]string');
  assert.equal(typeGuess({ allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }] }, doc), 'string');
  assert.equal(typeGuess({ type: 'object' }, doc), 'Object');
});
