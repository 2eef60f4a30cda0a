import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { signServiceAccountToken, useServiceAccountKey, verifyServiceAccountToken } from './sa-token.js';

const pems = {
  ES256: (): string => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  RS256: (): string => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};

for (const [alg, pem] of Object.entries(pems)) test(`service-account tokens (${alg}) verify as their account, and not when tampered with, expired or signed by another key`, () => {
  useServiceAccountKey(pem());
  const now = new Date('2026-01-01T00:00:00Z');
  const { token, expires } = signServiceAccountToken({ namespace: 'ns1', name: 'robot', uid: 'u1', expirationSeconds: 600, now });
  assert.equal(expires.toISOString(), '2026-01-01T00:10:00.000Z');
  const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { alg: string };
  assert.equal(header.alg, alg, 'the key type names the algorithm');
  if (alg === 'ES256') assert.equal(Buffer.from(token.split('.')[2] ?? '', 'base64url').length, 64, 'JWS ES256 signatures are r||s, not DER');
  assert.deepEqual(verifyServiceAccountToken(token, now), { name: 'system:serviceaccount:ns1:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'] });
  assert.equal(verifyServiceAccountToken(token, new Date('2026-01-01T00:10:01Z')), undefined, 'expired');
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as { sub: string };
  claims.sub = 'system:serviceaccount:kube-system:admin';
  assert.equal(verifyServiceAccountToken(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`, now), undefined, 'tampered');
  assert.equal(verifyServiceAccountToken('not-a-jwt', now), undefined);
  useServiceAccountKey(pem());
  assert.equal(verifyServiceAccountToken(token, now), undefined, 'another key');
  useServiceAccountKey((alg === 'ES256' ? pems.RS256 : pems.ES256)());
  assert.equal(verifyServiceAccountToken(token, now), undefined, 'a key of the other type');
});

test('service-account keys: other curves and key types are refused with the reason', () => {
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.throws(() => useServiceAccountKey(p384), /P-256/);
  const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.throws(() => useServiceAccountKey(ed), /not supported/);
});
