/**
 * Real parts for the registry tests, all on loopback with ports picked at run time:
 * Debian's docker-registry (filesystem storage in a temp dir, optional htpasswd or token
 * auth), a tiny bearer-token server (checks basic credentials, issues RS256 JWTs whose x5c
 * chain the registry verifies against a self-signed certificate made with node-forge), and
 * a pass-through proxy that can break chosen requests (for resumed uploads). Everything is
 * stopped by PID / closed and its temp dir removed by the returned stop().
 */
import { execFile, spawn } from 'node:child_process';
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

const run = promisify(execFile);

export interface RegistryProcess {
  /** `127.0.0.1:PORT`, as references name it. */
  readonly host: string;
  readonly pid: number;
  readonly dir: string;
  stop(): Promise<void>;
}

export type RegistryAuth =
  | { kind: 'htpasswd'; users: Record<string, string> }
  | { kind: 'token'; realm: string; service: string; issuer: string; certPem: string };

export interface RegistryStartOptions {
  auth?: RegistryAuth;
  /** Serve https with this certificate (PEM) and key. */
  tls?: { certPem: string; keyPem: string };
}

export async function startRegistry(options: RegistryStartOptions = {}): Promise<RegistryProcess> {
  const { auth, tls } = options;
  const dir = await mkdtemp(join(tmpdir(), 'skiff-registry-'));
  const lines = [
    'version: 0.1',
    'log:', '  level: info', '  accesslog:', '    disabled: true',
    'storage:', `  filesystem:`, `    rootdirectory: ${join(dir, 'data')}`, '  delete:', '    enabled: true',
    'http:', '  addr: 127.0.0.1:0', `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (tls) {
    await writeFile(join(dir, 'tls.crt'), tls.certPem);
    await writeFile(join(dir, 'tls.key'), tls.keyPem);
    lines.push('  tls:', `    certificate: ${join(dir, 'tls.crt')}`, `    key: ${join(dir, 'tls.key')}`);
  }
  if (auth?.kind === 'htpasswd') {
    const file = join(dir, 'htpasswd');
    await writeFile(file, '');
    for (const [user, password] of Object.entries(auth.users)) await run('htpasswd', ['-B', '-b', file, user, password]);
    lines.push('auth:', '  htpasswd:', '    realm: skiff-test', `    path: ${file}`);
  } else if (auth?.kind === 'token') {
    const bundle = join(dir, 'token-ca.pem');
    await writeFile(bundle, auth.certPem);
    lines.push('auth:', '  token:', `    realm: ${auth.realm}`, `    service: ${auth.service}`, `    issuer: ${auth.issuer}`, `    rootcertbundle: ${bundle}`);
  }
  const config = join(dir, 'config.yml');
  await writeFile(config, `${lines.join('\n')}\n`);
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const pid = child.pid!;
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => { if (child.exitCode === null) process.kill(pid, 'SIGKILL'); }, 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`docker-registry did not start:\n${log}`)), 10_000);
      child.stderr.on('data', (d: Buffer) => {
        log += d.toString();
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`docker-registry exited with ${code}:\n${log}`)); });
    });
    child.stderr.resume();
    return { host: `127.0.0.1:${port}`, pid, dir, stop };
  } catch (err: unknown) {
    await stop();
    throw err;
  }
}

export interface SelfSigned {
  privateKey: KeyObject;
  keyPem: string;
  certPem: string;
  /** The certificate as base64 DER (a JWT x5c entry). */
  certDer: string;
}

/** A self-signed RSA certificate valid for a day, also for 127.0.0.1 (an IP SAN) so TLS clients accept the name. */
export function selfSignedCertificate(commonName: string): SelfSigned {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = randomBytes(8).toString('hex').replace(/^[89a-f]/, '1');
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
  ]);
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return {
    privateKey, keyPem, certPem: forge.pki.certificateToPem(cert),
    certDer: Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary').toString('base64'),
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface TokenServer {
  readonly realm: string;
  readonly certPem: string;
  readonly service: string;
  readonly issuer: string;
  /** Every scope list asked for, with the user who asked (or '' when anonymous). */
  readonly requests: { user: string; scopes: string[] }[];
  stop(): Promise<void>;
}

/** A token server granting every asked-for scope to `users` (user -> password); anonymous callers are refused. */
export async function startTokenServer(users: Record<string, string>): Promise<TokenServer> {
  const { privateKey, certPem, certDer } = selfSignedCertificate('skiff test token issuer');
  const service = 'skiff-test-registry';
  const issuer = 'skiff-test-issuer';
  const requests: { user: string; scopes: string[] }[] = [];
  const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://token');
    const scopes = url.searchParams.getAll('scope');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [user, password] = basic ? Buffer.from(basic, 'base64').toString().split(/:(.*)/s) : ['', ''];
    requests.push({ user: user ?? '', scopes });
    if (!user || users[user] !== password) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.map((s) => {
      const [type, ...rest] = s.split(':');
      const actions = rest.pop() ?? '';
      return { type, name: rest.join(':'), actions: actions.split(',') };
    });
    const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [certDer] }));
    const claims = b64url(JSON.stringify({ iss: issuer, sub: user, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access }));
    const signature = createSign('RSA-SHA256').update(`${head}.${claims}`).sign(privateKey);
    const token = `${head}.${claims}.${b64url(signature)}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  const port = await listen(server);
  return { realm: `http://127.0.0.1:${port}/token`, certPem, service, issuer, requests, stop: () => close(server) };
}

/** What the proxy does with a request: pass it on, break it, or flip the first byte of the answer. */
export type ProxyAction = 'forward' | 'drop-before' | 'drop-after' | 'corrupt';

export interface BreakingProxy {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  /** Every request seen, as `METHOD path` (no query). */
  readonly seen: string[];
  stop(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of `target` that asks `decide` per request: 'drop-before'
 * closes the connection before the registry sees anything; 'drop-after' lets the registry
 * take the whole request, then closes the connection instead of answering; 'corrupt' passes
 * the answer on with its first byte flipped (same length, wrong digest).
 */
/** `count` is how many requests with this method the proxy has seen, this one included. */
export async function startBreakingProxy(target: string, decide: (method: string, path: string, count: number) => ProxyAction): Promise<BreakingProxy> {
  const seen: string[] = [];
  const [targetHost, targetPort] = target.split(':');
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    seen.push(`${req.method} ${path}`);
    const action = decide(req.method ?? 'GET', path, seen.filter((s) => s.startsWith(`${req.method} `)).length);
    if (action === 'drop-before') {
      req.socket.destroy();
      return;
    }
    const upstream = httpRequest({ host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers }, (up) => {
      if (action === 'drop-after') {
        up.resume();
        up.once('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (action === 'corrupt') {
        let first = true;
        up.on('data', (chunk: Buffer) => {
          if (first && chunk.length > 0) { chunk[0] = chunk[0]! ^ 0xff; first = false; }
          res.write(chunk);
        });
        up.on('end', () => res.end());
        return;
      }
      up.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  const port = await listen(server);
  return { host: `127.0.0.1:${port}`, seen, stop: () => close(server) };
}
