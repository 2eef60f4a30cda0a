/**
 * X.509 certificates for the cluster's PKI — the CA, the API server's serving and client
 * certificates, the admin's, joining nodes', agents' serving ones — built in one way:
 * node-forge assembles the to-be-signed structure and Node's crypto signs it (forge's
 * JavaScript RSA takes ~150 ms per signature, seconds on a loaded machine).
 */
import { randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import type forgeModule from 'node-forge';

export type Forge = typeof forgeModule;
export type Certificate = forgeModule.pki.Certificate;
export type CertificateField = forgeModule.pki.CertificateField;

let forgeLoaded: Promise<Forge> | undefined;
/** node-forge, loaded on first use (it costs ~100 ms to load). */
export function loadForge(): Promise<Forge> {
  forgeLoaded ??= import('node-forge').then((m) => m.default);
  return forgeLoaded;
}

export interface CertificateSpec {
  /** The key being certified: a PEM private key (also the signer when self-signed), or a public key from a request. */
  readonly key: { readonly privateKeyPem: string } | { readonly publicKey: forgeModule.pki.PublicKey };
  readonly subject: CertificateField[];
  /** The signing CA; absent, the certificate is self-signed with key.privateKeyPem. */
  readonly issuer?: { readonly cert: Certificate; readonly keyPem: string };
  readonly usage: 'ca' | 'server' | 'client';
  /** DNS names and IP addresses (subjectAltName). */
  readonly sans?: readonly string[];
  readonly validDays: number;
  /** Validity starts this long before now, for clocks that lag (default one hour). */
  readonly backdateMs?: number;
  readonly subjectKeyIdentifier?: boolean;
}

export function issueCertificate(forge: Forge, spec: CertificateSpec): Certificate {
  const cert = forge.pki.createCertificate();
  let signerKeyPem: string;
  if ('publicKey' in spec.key) {
    if (!spec.issuer) throw new Error('a certificate for a public key needs an issuer');
    cert.publicKey = spec.key.publicKey;
    signerKeyPem = spec.issuer.keyPem;
  } else {
    const key = forge.pki.privateKeyFromPem(spec.key.privateKeyPem);
    cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    signerKeyPem = spec.issuer ? spec.issuer.keyPem : spec.key.privateKeyPem;
  }
  // A positive serial: a random 16-byte number with its top bit cleared.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const now = Date.now();
  cert.validity.notBefore = new Date(now - (spec.backdateMs ?? 60 * 60 * 1000));
  cert.validity.notAfter = new Date(now + spec.validDays * 24 * 60 * 60 * 1000);
  cert.setSubject(spec.subject);
  cert.setIssuer(spec.issuer ? spec.issuer.cert.subject.attributes : spec.subject);
  const ca = spec.usage === 'ca';
  const ext: object[] = [
    { name: 'basicConstraints', cA: ca, critical: true },
    ca ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true } : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
  ];
  if (spec.usage === 'server') ext.push({ name: 'extKeyUsage', serverAuth: true });
  if (spec.usage === 'client') ext.push({ name: 'extKeyUsage', clientAuth: true });
  if (spec.sans?.length) ext.push({ name: 'subjectAltName', altNames: spec.sans.map((s) => (isIP(s) ? { type: 7, ip: s } : { type: 2, value: s })) });
  if (spec.subjectKeyIdentifier) ext.push({ name: 'subjectKeyIdentifier' });
  cert.setExtensions(ext);
  signWithNodeCrypto(forge, cert, signerKeyPem);
  return cert;
}

/** Signs `cert` with SHA-256/RSA through Node's crypto. */
export function signWithNodeCrypto(forge: Forge, cert: Certificate, signerKeyPem: string): void {
  const oid = forge.pki.oids.sha256WithRSAEncryption as string;
  cert.siginfo.algorithmOid = oid;
  cert.signatureOid = oid;
  cert.md = forge.md.sha256.create();
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: Certificate): forgeModule.asn1.Asn1 }).getTBSCertificate(cert);
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  cert.signature = sign('sha256', der, signerKeyPem).toString('binary');
}
