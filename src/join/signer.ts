/**
 * Signs a joining node's certificate request with the cluster CA: whatever subject the
 * request asks for, the certificate says CN=system:node:<name>, O=system:nodes (the identity
 * upstream's kubelet TLS bootstrap yields), for client authentication only, for one year.
 * node-forge is loaded on first use.
 */
import { issueCertificate, loadForge } from '../machinery/x509.js';

/** A DNS-1123 subdomain, as Node names must be. */
export function validNodeName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}

export interface SignRequest { readonly caCertPem: string; readonly caKeyPem: string; readonly csrPem: string; readonly nodeName: string; readonly days?: number }

export async function signNodeCertificate(r: SignRequest): Promise<string> {
  const forge = await loadForge();
  if (!validNodeName(r.nodeName)) throw new Error(`invalid node name ${JSON.stringify(r.nodeName)}`);
  const csr = forge.pki.certificationRequestFromPem(r.csrPem);
  if (!csr.verify()) throw new Error('the certificate request is not signed by its own key');
  if (!csr.publicKey) throw new Error('the certificate request has no public key');
  const cert = issueCertificate(forge, {
    key: { publicKey: csr.publicKey }, usage: 'client', validDays: r.days ?? 365, backdateMs: 5 * 60_000,
    subject: [{ name: 'commonName', value: `system:node:${r.nodeName}` }, { name: 'organizationName', value: 'system:nodes' }],
    issuer: { cert: forge.pki.certificateFromPem(r.caCertPem), keyPem: r.caKeyPem },
  });
  return forge.pki.certificateToPem(cert);
}

/** A PKCS#10 request for `key` (PEM, RSA) naming the node; the signer fixes the subject anyway. */
export async function nodeCertificateRequest(keyPem: string, nodeName: string): Promise<string> {
  const forge = await loadForge();
  const key = forge.pki.privateKeyFromPem(keyPem);
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  csr.setSubject([{ name: 'commonName', value: `system:node:${nodeName}` }, { name: 'organizationName', value: 'system:nodes' }]);
  csr.sign(key, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}
