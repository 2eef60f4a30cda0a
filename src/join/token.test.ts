import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatJoinToken, looksLikeJoinToken, newBootstrapToken, parseBootstrapToken, parseJoinToken } from './token.js';
import { validNodeName } from './signer.js';

const hash = 'ab'.repeat(32);

test('join tokens round-trip and refuse malformed input', () => {
  const t = { caHash: hash, ...newBootstrapToken() };
  assert.match(t.id, /^[a-z0-9]{6}$/);
  assert.match(t.secret, /^[a-z0-9]{16}$/);
  const text = formatJoinToken(t);
  assert.equal(text, `K10${hash}::${t.id}.${t.secret}`);
  assert.deepEqual(parseJoinToken(`${text}\n`), t);
  assert.ok(looksLikeJoinToken(text));
  assert.ok(!looksLikeJoinToken('0123abcd'));
  for (const bad of [`K10${hash}:${t.id}.${t.secret}`, `K10${hash.slice(2)}::${t.id}.${t.secret}`, `K10${hash}::${t.id}${t.secret}`, `${t.id}.${t.secret}`]) {
    assert.throws(() => parseJoinToken(bad), /malformed join token/);
  }
});

test('bootstrap tokens from bearer values', () => {
  assert.deepEqual(parseBootstrapToken('abcdef.0123456789abcdef'), { id: 'abcdef', secret: '0123456789abcdef' });
  assert.equal(parseBootstrapToken('abcdef.short'), undefined);
  assert.equal(parseBootstrapToken(`K10${hash}::abcdef.0123456789abcdef`), undefined);
});

test('node names must be DNS subdomains', () => {
  assert.ok(validNodeName('node-a'));
  assert.ok(validNodeName('a.b-c'));
  for (const bad of ['', 'Node', '-a', 'a_b', 'a/b', 'x'.repeat(254)]) assert.ok(!validNodeName(bad), bad);
});
