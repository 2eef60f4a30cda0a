/**
 * The agent side of joining (`skiff agent --server URL --token K10...`):
 *
 * 1. GET URL/cacerts without trusting anything yet, and refuse unless the sha256 of the CA
 *    certificate's DER equals the hash in the token (a wrong server or a man in the middle);
 * 2. make an RSA key and a certificate request, POST it to URL/v1-skiff/join with the
 *    bootstrap token, now verifying the server against the pinned CA;
 * 3. keep DATA_DIR/pki/{ca.crt,node.crt,node.key} and DATA_DIR/kubeconfig.yaml (user
 *    system:node:NAME), which later starts reuse instead of joining again; the join sends
 *    DATA_DIR/node-password (made once), so only this machine can join as NAME again.
 */
import { generateKeyPair, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { agentNodePassword } from './node-password.js';
import { nodeCertificateRequest } from './signer.js';
import { caCertsPath, joinPath } from './service.js';
import { caCertHash, parseJoinToken } from './token.js';

export class JoinError extends Error {}

export interface JoinOptions {
  readonly server: string;
  readonly token: string;
  readonly dataDir: string;
  readonly nodeName: string;
  readonly timeoutMs?: number;
}

export interface Joined {
  readonly kubeconfigPath: string;
  /** False when an earlier join's credentials were reused. */
  readonly fresh: boolean;
}

function httpsCall(url: URL, o: { method: 'GET' | 'POST'; ca?: string; headers?: Record<string, string>; body?: string; timeoutMs: number }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: o.method, headers: o.headers, timeout: o.timeoutMs,
      // The first call trusts nothing: its answer is checked against the token's hash instead.
      ...(o.ca ? { ca: o.ca, rejectUnauthorized: true } : { rejectUnauthorized: false }),
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.origin} within ${o.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(o.body);
  });
}

function statusMessage(body: string): string {
  try {
    const s = JSON.parse(body) as { message?: string };
    return s.message ?? body;
  } catch {
    return body.slice(0, 200);
  }
}

function kubeconfigYaml(server: string, nodeName: string, caPem: string, certPem: string, keyPem: string): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const user = `system:node:${nodeName}`;
  return [
    'apiVersion: v1', 'kind: Config',
    'clusters:', '- name: skiff', '  cluster:', `    server: ${JSON.stringify(server)}`, `    certificate-authority-data: ${b64(caPem)}`,
    'users:', `- name: ${JSON.stringify(user)}`, '  user:', `    client-certificate-data: ${b64(certPem)}`, `    client-key-data: ${b64(keyPem)}`,
    'contexts:', '- name: skiff', '  context:', '    cluster: skiff', `    user: ${JSON.stringify(user)}`, '    namespace: default',
    'current-context: skiff', 'preferences: {}', '',
  ].join('\n');
}

interface JoinRecord { server: string; nodeName: string; caHash: string }

/** Joins the cluster, or reuses the credentials of an earlier join to the same server as the same node. */
export async function joinCluster(o: JoinOptions): Promise<Joined> {
  const token = parseJoinToken(o.token);
  const server = o.server.replace(/\/+$/, '');
  const kubeconfigPath = join(o.dataDir, 'kubeconfig.yaml');
  const recordPath = join(o.dataDir, 'join.json');
  const pki = join(o.dataDir, 'pki');
  if (existsSync(kubeconfigPath) && existsSync(recordPath) && existsSync(join(pki, 'node.crt'))) {
    const rec = JSON.parse(readFileSync(recordPath, 'utf8')) as JoinRecord;
    const cert = new X509Certificate(readFileSync(join(pki, 'node.crt')));
    const fresh = Date.parse(cert.validTo) - Date.now() > 24 * 3600_000;
    if (rec.server === server && rec.nodeName === o.nodeName && rec.caHash === token.caHash && fresh) return { kubeconfigPath, fresh: false };
  }
  const timeoutMs = o.timeoutMs ?? 15_000;
  let caPem: string;
  try {
    const got = await httpsCall(new URL(caCertsPath, server), { method: 'GET', timeoutMs });
    if (got.status !== 200) throw new Error(`GET ${caCertsPath} answered ${got.status}: ${statusMessage(got.body)}`);
    caPem = got.body;
  } catch (err: unknown) {
    throw new JoinError(`cannot fetch the cluster CA from ${server}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  let hash: string;
  try {
    hash = caCertHash(caPem);
  } catch (err: unknown) {
    throw new JoinError(`${server}${caCertsPath} did not return a certificate`, { cause: err });
  }
  if (hash !== token.caHash) {
    throw new JoinError(`refusing to join ${server}: its CA certificate has sha256 ${hash}, but the token expects ${token.caHash} (wrong token, or not the server the token came from)`);
  }
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  // Kept across joins: it proves to the server that this is the machine that joined as the name before.
  const nodePassword = agentNodePassword(join(o.dataDir, 'node-password'));
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const csr = await nodeCertificateRequest(keyPem, o.nodeName);
  let answer: { certificate?: string };
  try {
    const got = await httpsCall(new URL(joinPath, server), {
      method: 'POST', ca: caPem, timeoutMs, body: JSON.stringify({ nodeName: o.nodeName, csr, nodePassword }),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token.id}.${token.secret}` },
    });
    if (got.status !== 200) throw new Error(`${got.status}: ${statusMessage(got.body)}`);
    answer = JSON.parse(got.body) as { certificate?: string };
  } catch (err: unknown) {
    throw new JoinError(`join refused by ${server}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!answer.certificate) throw new JoinError(`join answer from ${server} has no certificate`);
  mkdirSync(pki, { recursive: true, mode: 0o700 });
  writeFileSync(join(pki, 'ca.crt'), caPem, { mode: 0o644 });
  writeFileSync(join(pki, 'node.key'), keyPem, { mode: 0o600 });
  writeFileSync(join(pki, 'node.crt'), answer.certificate, { mode: 0o644 });
  writeFileSync(kubeconfigPath, kubeconfigYaml(server, o.nodeName, caPem, answer.certificate, keyPem), { mode: 0o600 });
  writeFileSync(recordPath, `${JSON.stringify({ server, nodeName: o.nodeName, caHash: token.caHash } satisfies JoinRecord)}\n`, { mode: 0o600 });
  return { kubeconfigPath, fresh: true };
}
