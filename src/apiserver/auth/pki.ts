/**
 * The cluster's certificates, made on first start and reused afterwards (DATA_DIR/pki):
 * a CA, a serving certificate for the API server and an admin client certificate
 * (CN=admin, O=system:masters). Keys are RSA from Node's crypto; certificates are X.509
 * from node-forge.
 */
import { generateKeyPair, randomBytes, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type forgeModule from 'node-forge';

type Forge = typeof forgeModule;

export interface Pki {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
}

const files = { caCert: 'ca.crt', caKey: 'ca.key', serverCert: 'server.crt', serverKey: 'server.key', adminCert: 'admin.crt', adminKey: 'admin.key', sans: 'server.sans' } as const;

const generateRsa = promisify(generateKeyPair);

/** RSA 2048 keys are made on libuv's thread pool, so the three of a first start run in parallel. */
async function rsaKeyPem(): Promise<string> {
  const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

interface CertSpec {
  readonly subject: forgeModule.pki.CertificateField[];
  readonly keyPem: string;
  readonly issuer?: { cert: forgeModule.pki.Certificate; keyPem: string };
  readonly ca: boolean;
  readonly usage: 'server' | 'client' | 'ca';
  readonly sans?: readonly string[];
  readonly years: number;
}

function makeCert(forge: Forge, spec: CertSpec): forgeModule.pki.Certificate {
  const key = forge.pki.privateKeyFromPem(spec.keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  // Positive serial: clear the top bit of a random 16-byte number.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + spec.years * 365 * 24 * 60 * 60 * 1000);
  cert.setSubject(spec.subject);
  cert.setIssuer(spec.issuer ? spec.issuer.cert.subject.attributes : spec.subject);
  const ext: object[] = [
    { name: 'basicConstraints', cA: spec.ca, critical: true },
    spec.ca ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true } : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
  ];
  if (spec.usage === 'server') ext.push({ name: 'extKeyUsage', serverAuth: true });
  if (spec.usage === 'client') ext.push({ name: 'extKeyUsage', clientAuth: true });
  if (spec.sans) ext.push({ name: 'subjectAltName', altNames: spec.sans.map((s) => (isIP(s) ? { type: 7, ip: s } : { type: 2, value: s })) });
  ext.push({ name: 'subjectKeyIdentifier' });
  cert.setExtensions(ext);
  // forge builds the to-be-signed structure; Node's crypto signs it (forge's JS RSA takes
  // ~150 ms per signature, which would dominate a first start).
  const oid = forge.pki.oids.sha256WithRSAEncryption as string;
  cert.siginfo.algorithmOid = oid;
  cert.signatureOid = oid;
  cert.md = forge.md.sha256.create();
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forgeModule.pki.Certificate): forgeModule.asn1.Asn1 }).getTBSCertificate(cert);
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  cert.signature = sign('sha256', der, spec.issuer ? spec.issuer.keyPem : spec.keyPem).toString('binary');
  return cert;
}

/** Names the serving certificate covers: loopback, the host name, in-cluster names, the bind address. */
export function serverSans(bindAddress: string): string[] {
  const sans = ['127.0.0.1', 'localhost', hostname(), 'skiff', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'];
  if (bindAddress && bindAddress !== '0.0.0.0' && bindAddress !== '::') sans.push(bindAddress);
  return sans;
}

/** Loads the PKI from `dir`, creating what is missing; the serving cert is remade if its SANs changed. */
export async function ensurePki(dir: string, sans: readonly string[]): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = (f: string): string => join(dir, f);
  const write = (f: string, text: string): void => writeFileSync(p(f), text, { mode: 0o600 });
  const needCa = !existsSync(p(files.caCert)) || !existsSync(p(files.caKey));
  const wantSans = [...new Set(sans)].sort().join(',');
  const haveSans = existsSync(p(files.sans)) ? readFileSync(p(files.sans), 'utf8') : '';
  const needServer = needCa || !existsSync(p(files.serverCert)) || !existsSync(p(files.serverKey)) || haveSans !== wantSans;
  const needAdmin = needCa || !existsSync(p(files.adminCert)) || !existsSync(p(files.adminKey));
  // node-forge is loaded only when a certificate must be made (it costs ~100 ms to load).
  const forge: Forge | undefined = needCa || needServer || needAdmin ? (await import('node-forge')).default : undefined;
  const [caKeyNew, serverKeyNew, adminKeyNew] = await Promise.all([needCa ? rsaKeyPem() : '', needServer ? rsaKeyPem() : '', needAdmin ? rsaKeyPem() : '']);
  if (needCa && forge) {
    const keyPem = caKeyNew;
    const cert = makeCert(forge, { subject: [{ name: 'commonName', value: 'skiff-ca' }], keyPem, ca: true, usage: 'ca', years: 10 });
    write(files.caKey, keyPem);
    write(files.caCert, forge.pki.certificateToPem(cert));
  }
  const caKey = readFileSync(p(files.caKey), 'utf8');
  const caCertPem = readFileSync(p(files.caCert), 'utf8');
  const issuer = forge ? { cert: forge.pki.certificateFromPem(caCertPem), keyPem: caKey } : undefined;
  if (needServer && forge && issuer) {
    const keyPem = serverKeyNew;
    const cert = makeCert(forge, { subject: [{ name: 'commonName', value: 'skiff-apiserver' }], keyPem, issuer, ca: false, usage: 'server', sans: wantSans.split(','), years: 1 });
    write(files.serverKey, keyPem);
    write(files.serverCert, forge.pki.certificateToPem(cert));
    write(files.sans, wantSans);
  }
  if (needAdmin && forge && issuer) {
    const keyPem = adminKeyNew;
    const cert = makeCert(forge, { subject: [{ name: 'commonName', value: 'admin' }, { name: 'organizationName', value: 'system:masters' }], keyPem, issuer, ca: false, usage: 'client', years: 1 });
    write(files.adminKey, keyPem);
    write(files.adminCert, forge.pki.certificateToPem(cert));
  }
  return {
    caCert: caCertPem,
    serverCert: readFileSync(p(files.serverCert), 'utf8'),
    serverKey: readFileSync(p(files.serverKey), 'utf8'),
    adminCert: readFileSync(p(files.adminCert), 'utf8'),
    adminKey: readFileSync(p(files.adminKey), 'utf8'),
  };
}

/** DATA_DIR/admin-token: an admin bearer token for clients without certificates, made once. */
export function ensureToken(path: string): string {
  if (!existsSync(path)) writeFileSync(path, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}
