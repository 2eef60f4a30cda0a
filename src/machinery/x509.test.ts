import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { issueCertificate, loadForge } from './x509.js';

const rsaPem = (): string => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

test('a CA, a server certificate it signs, and one for a public key from a request: Node verifies the chain', async () => {
  const forge = await loadForge();
  const caKey = rsaPem();
  const ca = issueCertificate(forge, { key: { privateKeyPem: caKey }, subject: [{ name: 'commonName', value: 'test-ca' }], usage: 'ca', validDays: 10 });
  const caX = new X509Certificate(forge.pki.certificateToPem(ca));
  assert.equal(caX.ca, true);
  assert.ok(caX.verify(caX.publicKey), 'self-signed');

  const server = issueCertificate(forge, {
    key: { privateKeyPem: rsaPem() }, subject: [{ name: 'commonName', value: 'srv' }], usage: 'server', validDays: 1,
    sans: ['127.0.0.1', 'example.test'], issuer: { cert: ca, keyPem: caKey },
  });
  const serverX = new X509Certificate(forge.pki.certificateToPem(server));
  assert.equal(serverX.ca, false);
  assert.ok(serverX.checkIssued(caX) && serverX.verify(caX.publicKey), 'signed by the CA');
  assert.equal(serverX.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(serverX.checkHost('example.test'), 'example.test');
  assert.match(serverX.keyUsage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.1/, 'serverAuth');

  const nodeKey = forge.pki.privateKeyFromPem(rsaPem());
  const client = issueCertificate(forge, {
    key: { publicKey: forge.pki.setRsaPublicKey(nodeKey.n, nodeKey.e) }, subject: [{ name: 'commonName', value: 'system:node:n1' }],
    usage: 'client', validDays: 1, backdateMs: 0, issuer: { cert: ca, keyPem: caKey },
  });
  const clientX = new X509Certificate(forge.pki.certificateToPem(client));
  assert.ok(clientX.verify(caX.publicKey));
  assert.match(clientX.subject, /CN=system:node:n1/);
  assert.ok(Math.abs(Date.parse(clientX.validFrom) - Date.now()) < 5000, 'no backdating when asked for none');
  assert.throws(() => issueCertificate(forge, { key: { publicKey: forge.pki.setRsaPublicKey(nodeKey.n, nodeKey.e) }, subject: [], usage: 'client', validDays: 1 }), /needs an issuer/);
});
