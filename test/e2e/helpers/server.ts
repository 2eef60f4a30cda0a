/**
 * Starts `skiff server` as a child process on a temp data dir and a free port, for
 * end-to-end tests. stop() kills it by PID and removes the temp dir; it is idempotent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { parse as parseYaml } from 'yaml';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TestServer {
  readonly url: string;
  readonly kubeconfigPath: string;
  readonly dataDir: string;
  readonly port: number;
  readonly pid: number;
  /** Kills the server (SIGTERM, then SIGKILL after 5 s) and removes the data dir. */
  stop(): Promise<void>;
  /** Kills the server without cleaning up (for durability tests); resolves when it exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartServerOptions {
  /** Reuse this data dir (e.g. after a kill); the caller then owns its removal unless `ownsDataDir`. */
  readonly dataDir?: string;
  readonly ownsDataDir?: boolean;
  readonly extraArgs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly readyTimeoutMs?: number;
}

/** The repository root (this file is at dist/test/e2e/helpers/ when compiled). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

/**
 * One PKI per test process, copied into each fresh data dir: generating three RSA keys per
 * server costs seconds on a loaded machine. Removed when the process exits.
 */
let seedPki: Promise<string> | undefined;
function pkiSeed(): Promise<string> {
  seedPki ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-e2e-pki-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const { ensurePki, serverSans } = await import('../../../src/apiserver/auth/pki.js');
    await ensurePki(join(dir, 'pki'), serverSans('127.0.0.1'));
    return dir;
  })();
  return seedPki;
}

const readyLine = /ready at (https:\/\/\S+) \(port (\d+)\).*kubeconfig: (\S+)/;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

export async function startServer(opts: StartServerOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
  const ownsDataDir = opts.ownsDataDir ?? opts.dataDir === undefined;
  if (!existsSync(join(dataDir, 'pki'))) cpSync(join(await pkiSeed(), 'pki'), join(dataDir, 'pki'), { recursive: true });
  const child = spawn(process.execPath, [join(repoRoot, 'bin/skiff'), 'server', '--data-dir', dataDir, '--bind-address', '127.0.0.1', '--port', '0', '--no-agent', ...(opts.extraArgs ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const cleanup = (): void => { if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true }); };
  try {
    const m = await new Promise<RegExpMatchArray>((resolveReady, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server not ready after ${opts.readyTimeoutMs ?? 15000} ms; stderr: ${stderr}`)), opts.readyTimeoutMs ?? 15000);
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const found = out.match(readyLine);
        if (found) { clearTimeout(timer); resolveReady(found); }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}; stderr: ${stderr}`)); });
    });
    child.stdout?.resume();
    const pid = child.pid as number;
    let stopped: Promise<void> | undefined;
    return {
      url: m[1] as string, port: Number(m[2]), kubeconfigPath: m[3] as string, dataDir, pid,
      stop() {
        stopped ??= (async () => {
          if (child.exitCode === null && child.signalCode === null) {
            process.kill(pid, 'SIGTERM');
            const t = setTimeout(() => { if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL'); }, 5000);
            await exited(child);
            clearTimeout(t);
          }
          cleanup();
        })();
        return stopped;
      },
      async kill(signal: NodeJS.Signals = 'SIGKILL') {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, signal);
        await exited(child);
      },
    };
  } catch (err: unknown) {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    await exited(child);
    cleanup();
    throw err;
  }
}

// ---- the real kubectl against a test server, with a fresh HOME so its caches start cold ----

export interface KubectlResult { readonly code: number; readonly stdout: string; readonly stderr: string }

export interface Kubectl {
  run(args: readonly string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** Starts a long-running kubectl (e.g. `get -w`); kill() stops it by PID. */
  start(args: readonly string[]): { output(): string; kill(): Promise<void> };
  readonly home: string;
  cleanup(): void;
}

export function kubectlFor(kubeconfigPath: string): Kubectl {
  const home = mkdtempSync(join(tmpdir(), 'skiff-kubectl-home-'));
  const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfigPath, KUBECACHEDIR: join(home, '.kube', 'cache') };
  return {
    home,
    run(args, opts = {}) {
      return new Promise((resolveRun, reject) => {
        const child = spawn('kubectl', [...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
        child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
        const timer = setTimeout(() => { if (child.pid) process.kill(child.pid, 'SIGKILL'); }, opts.timeoutMs ?? 30000);
        child.on('error', reject);
        child.on('close', (code) => { clearTimeout(timer); resolveRun({ code: code ?? -1, stdout, stderr }); });
        child.stdin.end(opts.stdin ?? '');
      });
    },
    start(args) {
      const child = spawn('kubectl', [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
      const done = new Promise<void>((r) => child.once('close', () => r()));
      return {
        output: () => out,
        async kill() {
          if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
          await done;
        },
      };
    },
    cleanup() { rmSync(home, { recursive: true, force: true }); },
  };
}

/** Polls `check` until it returns true or the timeout passes. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10000, stepMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

// ---- raw HTTPS requests with the admin client certificate from the kubeconfig ----

export interface ApiResponse { readonly status: number; readonly headers: Record<string, string | string[] | undefined>; readonly text: string; json<T = Record<string, unknown>>(): T }

interface KubeconfigFile { clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>; users: Array<{ user: { 'client-certificate-data': string; 'client-key-data': string } }> }

export interface ApiClient {
  request(method: string, path: string, opts?: { body?: unknown; contentType?: string; accept?: string; headers?: Record<string, string>; noAuth?: boolean }): Promise<ApiResponse>;
  /** Opens a watch and collects its event lines; close() ends it. */
  watch(path: string, opts?: { accept?: string }): Promise<{ events(): Array<{ type: string; object: Record<string, unknown> }>; closed(): boolean; close(): void }>;
}

export function apiClient(kubeconfigPath: string): ApiClient {
  const kc = parseYaml(readFileSync(kubeconfigPath, 'utf8')) as KubeconfigFile;
  const cluster = kc.clusters[0]?.cluster;
  const user = kc.users[0]?.user;
  if (!cluster || !user) throw new Error('kubeconfig without cluster or user');
  const b = (s: string): Buffer => Buffer.from(s, 'base64');
  const base = new URL(cluster.server);
  const tls = { ca: b(cluster['certificate-authority-data']), cert: b(user['client-certificate-data']), key: b(user['client-key-data']) };
  // Keep-alive, as real clients: a TLS handshake per request would dominate latency.
  const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: tls.ca, cert: tls.cert, key: tls.key });
  const open = (method: string, path: string, headers: Record<string, string>, noAuth: boolean) => httpsRequest({
    host: base.hostname, port: base.port, method, path, headers, ca: tls.ca, ...(noAuth ? { agent: false } : { cert: tls.cert, key: tls.key, agent }),
  });
  return {
    request(method, path, opts = {}) {
      return new Promise((resolveReq, reject) => {
        const body = opts.body === undefined ? undefined : typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
        // Content-Length always: Node sends DELETE bodies without it (and unchunked) otherwise.
        const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json', ...(body !== undefined ? { 'Content-Type': opts.contentType ?? 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...opts.headers };
        const req = open(method, path, headers, opts.noAuth ?? false);
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => { text += d; });
          res.on('end', () => resolveReq({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T }));
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    watch(path, opts = {}) {
      return new Promise((resolveWatch, reject) => {
        const req = open('GET', path, { Accept: opts.accept ?? 'application/json' }, false);
        req.on('response', (res) => {
          const events: Array<{ type: string; object: Record<string, unknown> }> = [];
          let buf = '';
          let ended = false;
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            buf += d;
            let i: number;
            while ((i = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, i);
              buf = buf.slice(i + 1);
              if (line.trim()) events.push(JSON.parse(line) as { type: string; object: Record<string, unknown> });
            }
          });
          res.on('end', () => { ended = true; });
          res.on('close', () => { ended = true; });
          resolveWatch({ events: () => events, closed: () => ended, close: () => { req.destroy(); } });
        });
        req.on('error', reject);
        req.end();
      });
    },
  };
}
