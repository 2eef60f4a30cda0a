/**
 * The API server's client certificate for node agents' streaming endpoints (kube-apiserver's
 * --kubelet-client-certificate): CN=skiff-apiserver-kubelet-client, O=system:masters, signed
 * by the cluster CA in DATA_DIR/pki, made on first use and kept beside the other PKI files.
 */
import { generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { apiServerClientName, signWithNodeCrypto } from '../kubelet/server/index.js';

export interface ClientCert { readonly certPem: string; readonly keyPem: string }

const certFile = 'apiserver-kubelet-client.crt';
const keyFile = 'apiserver-kubelet-client.key';

function usable(certPem: string, caPem: string): boolean {
  try {
    const cert = new X509Certificate(certPem);
    return cert.checkIssued(new X509Certificate(caPem)) && Date.parse(cert.validTo) > Date.now() + 24 * 60 * 60 * 1000;
  } catch {
    return false;
  }
}

export async function ensureKubeletClientCert(pkiDir: string): Promise<ClientCert> {
  const caPem = readFileSync(join(pkiDir, 'ca.crt'), 'utf8');
  const certPath = join(pkiDir, certFile);
  const keyPath = join(pkiDir, keyFile);
  if (existsSync(certPath) && existsSync(keyPath)) {
    const certPem = readFileSync(certPath, 'utf8');
    if (usable(certPem, caPem)) return { certPem, keyPem: readFileSync(keyPath, 'utf8') };
  }
  const forge = (await import('node-forge')).default;
  const caKeyPem = readFileSync(join(pkiDir, 'ca.key'), 'utf8');
  const caCert = forge.pki.certificateFromPem(caPem);
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 60 * 60 * 1000);
  cert.setSubject([{ name: 'commonName', value: apiServerClientName }, { name: 'organizationName', value: 'system:masters' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  signWithNodeCrypto(forge, cert, caKeyPem);
  const certPem = forge.pki.certificateToPem(cert);
  writeFileSync(keyPath, keyPem, { mode: 0o600 });
  writeFileSync(certPath, certPem, { mode: 0o600 });
  return { certPem, keyPem };
}
