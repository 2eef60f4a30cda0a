/**
 * The API server's client certificate for node agents' streaming endpoints (kube-apiserver's
 * --kubelet-client-certificate): CN=skiff-apiserver-kubelet-client, O=system:masters, signed
 * by the cluster CA in DATA_DIR/pki, made on first use and kept beside the other PKI files.
 */
import { generateKeyPair, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { issueCertificate, loadForge } from '../machinery/x509.js';

/** The CN agents' streaming endpoints accept (src/kubelet/server/serving-cert.ts checks it). */
export const apiServerClientName = 'skiff-apiserver-kubelet-client';

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
  const forge = await loadForge();
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = issueCertificate(forge, {
    key: { privateKeyPem: keyPem }, usage: 'client', validDays: 365,
    subject: [{ name: 'commonName', value: apiServerClientName }, { name: 'organizationName', value: 'system:masters' }],
    issuer: { cert: forge.pki.certificateFromPem(caPem), keyPem: readFileSync(join(pkiDir, 'ca.key'), 'utf8') },
  });
  const certPem = forge.pki.certificateToPem(cert);
  writeFileSync(keyPath, keyPem, { mode: 0o600 });
  writeFileSync(certPath, certPem, { mode: 0o600 });
  return { certPem, keyPem };
}
