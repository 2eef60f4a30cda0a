import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { signServiceAccountToken, useServiceAccountKey, verifyServiceAccountToken } from './sa-token.js';

test('service-account tokens verify as their account, and not when tampered with, expired or signed by another key', () => {
  const pem = (): string => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  useServiceAccountKey(pem());
  const now = new Date('2026-01-01T00:00:00Z');
  const { token, expires } = signServiceAccountToken({ namespace: 'ns1', name: 'robot', uid: 'u1', expirationSeconds: 600, now });
  assert.equal(expires.toISOString(), '2026-01-01T00:10:00.000Z');
  assert.deepEqual(verifyServiceAccountToken(token, now), { name: 'system:serviceaccount:ns1:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'] });
  assert.equal(verifyServiceAccountToken(token, new Date('2026-01-01T00:10:01Z')), undefined, 'expired');
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as { sub: string };
  claims.sub = 'system:serviceaccount:kube-system:admin';
  assert.equal(verifyServiceAccountToken(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`, now), undefined, 'tampered');
  assert.equal(verifyServiceAccountToken('not-a-jwt', now), undefined);
  useServiceAccountKey(pem());
  assert.equal(verifyServiceAccountToken(token, now), undefined, 'another key');
});
