/**
 * The agent's streaming server identity: a self-signed serving certificate made at start
 * (nothing to keep: the API server pins it by the SHA-256 fingerprint the agent advertises
 * on its Node, so a new one per start is fine), and the rule for who may call in.
 */
import { generateKeyPair, randomBytes, sign } from 'node:crypto';
import type forgeModule from 'node-forge';
import { isIP } from 'node:net';
import type { PeerCertificate } from 'node:tls';
import { promisify } from 'node:util';

/** The CN of the API server's client certificate for node agents (see src/apiserver/node-proxy-cert.ts). */
export const apiServerClientName = 'skiff-apiserver-kubelet-client';

export interface ServingCert { readonly certPem: string; readonly keyPem: string }

export async function selfSignedServingCert(names: readonly string[]): Promise<ServingCert> {
  const forge = (await import('node-forge')).default;
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
  const subject = [{ name: 'commonName', value: `skiff-agent@${names[0] ?? 'node'}` }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
  ]);
  signWithNodeCrypto(forge, cert, keyPem);
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/**
 * Signs with SHA-256/RSA through Node's crypto: forge builds the to-be-signed structure, but
 * its JavaScript RSA takes ~150 ms per signature (seconds on a loaded machine).
 */
export function signWithNodeCrypto(forge: typeof forgeModule, cert: forgeModule.pki.Certificate, signerKeyPem: string): void {
  const oid = forge.pki.oids.sha256WithRSAEncryption as string;
  cert.siginfo.algorithmOid = oid;
  cert.signatureOid = oid;
  cert.md = forge.md.sha256.create();
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forgeModule.pki.Certificate): forgeModule.asn1.Asn1 }).getTBSCertificate(cert);
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  cert.signature = sign('sha256', der, signerKeyPem).toString('binary');
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
