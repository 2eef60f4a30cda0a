/**
 * The cluster's certificates, made on first start and reused afterwards (DATA_DIR/pki):
 * a CA, a serving certificate for the API server and an admin client certificate
 * (CN=admin, O=system:masters). Keys are RSA from Node's crypto; certificates are X.509
 * from node-forge.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { issueCertificate, loadForge, type Forge } from '../../machinery/x509.js';

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
  const forge: Forge | undefined = needCa || needServer || needAdmin ? await loadForge() : undefined;
  const [caKeyNew, serverKeyNew, adminKeyNew] = await Promise.all([needCa ? rsaKeyPem() : '', needServer ? rsaKeyPem() : '', needAdmin ? rsaKeyPem() : '']);
  if (needCa && forge) {
    const keyPem = caKeyNew;
    const cert = issueCertificate(forge, { key: { privateKeyPem: keyPem }, subject: [{ name: 'commonName', value: 'skiff-ca' }], usage: 'ca', validDays: 10 * 365, subjectKeyIdentifier: true });
    write(files.caKey, keyPem);
    write(files.caCert, forge.pki.certificateToPem(cert));
  }
  const caKey = readFileSync(p(files.caKey), 'utf8');
  const caCertPem = readFileSync(p(files.caCert), 'utf8');
  const issuer = forge ? { cert: forge.pki.certificateFromPem(caCertPem), keyPem: caKey } : undefined;
  if (needServer && forge && issuer) {
    const keyPem = serverKeyNew;
    const cert = issueCertificate(forge, { key: { privateKeyPem: keyPem }, subject: [{ name: 'commonName', value: 'skiff-apiserver' }], issuer, usage: 'server', sans: wantSans.split(','), validDays: 365, subjectKeyIdentifier: true });
    write(files.serverKey, keyPem);
    write(files.serverCert, forge.pki.certificateToPem(cert));
    write(files.sans, wantSans);
  }
  if (needAdmin && forge && issuer) {
    const keyPem = adminKeyNew;
    const cert = issueCertificate(forge, { key: { privateKeyPem: keyPem }, subject: [{ name: 'commonName', value: 'admin' }, { name: 'organizationName', value: 'system:masters' }], issuer, usage: 'client', validDays: 365, subjectKeyIdentifier: true });
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
