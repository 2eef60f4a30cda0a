/**
 * The agent's streaming server identity: a self-signed serving certificate made at start
 * (nothing to keep: the API server pins it by the SHA-256 fingerprint the agent advertises
 * on its Node, so a new one per start is fine), and the rule for who may call in.
 */
import { generateKeyPair } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { promisify } from 'node:util';
import { issueCertificate, loadForge } from '../../machinery/x509.js';

/** The CN of the API server's client certificate for node agents (made by src/apiserver/node-proxy-cert.ts). */
export const apiServerClientName = 'skiff-apiserver-kubelet-client';

export interface ServingCert { readonly certPem: string; readonly keyPem: string }

export async function selfSignedServingCert(names: readonly string[]): Promise<ServingCert> {
  const forge = await loadForge();
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = issueCertificate(forge, {
    key: { privateKeyPem: keyPem }, usage: 'server', validDays: 365, sans: names,
    subject: [{ name: 'commonName', value: `skiff-agent@${names[0] ?? 'node'}` }],
  });
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

const fieldValues = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * Only the API server may stream from pods through the agent: its kubelet-client certificate,
 * or a cluster admin's (O=system:masters). Other nodes' certificates (system:node:NAME) are
 * signed by the same CA and must not pass.
 */
export function isApiServerClient(cert: PeerCertificate | undefined): boolean {
  if (!cert?.subject) return false;
  return fieldValues(cert.subject.CN).includes(apiServerClientName) || fieldValues(cert.subject.O).includes('system:masters');
}
