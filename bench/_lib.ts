/** Small helpers shared by the benchmarks: percentiles, a server child process, an HTTPS client from a kubeconfig. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly kubeconfigPath: string;
  /** Milliseconds from spawn to the ready line. */
  readonly readyMs: number;
  /** Whether the server process has ended. */
  exited(): boolean;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** Arguments for node itself (e.g. `--cpu-prof`); SKIFF_BENCH_NODE_ARGS adds to them. */
  nodeArgs?: readonly string[];
  /** More `skiff server` flags (after --data-dir, a loopback port and --no-agent). */
  serverArgs?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Every chunk of the server's stderr, as it comes (the last 4000 characters are kept for errors anyway). */
  onStderr?: (chunk: Buffer) => void;
  /** How long stop() waits after SIGTERM before SIGKILL (default: no SIGKILL). */
  killAfterMs?: number;
  readyTimeoutMs?: number;
  /** Run through node even without node arguments, i.e. without the flags on bin/skiff's #! line. */
  viaNode?: boolean;
}

/**
 * Spawns `skiff server` on a free port and waits for its ready line. With node arguments
 * (profiling), through node explicitly; otherwise bin/skiff itself, as users run it (its #!
 * line carries node's flags). SKIFF_BENCH_NODE_ARGS (space-separated) adds node arguments, so
 * a bench run can profile its server without a code change.
 */
export async function startSkiffServer(dataDir: string, o: StartServerOptions = {}): Promise<ServerProcess> {
  const t0 = performance.now();
  const extra = (process.env.SKIFF_BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const serverArgs = ['server', '--data-dir', dataDir, '--bind-address', '127.0.0.1', '--port', '0', '--no-agent', ...(o.serverArgs ?? [])];
  const nodeFlags = [...extra, ...(o.nodeArgs ?? [])];
  const spawnOpts = { stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'], ...(o.env ? { env: o.env } : {}) };
  const child = nodeFlags.length === 0 && o.viaNode !== true
    ? spawn(join(repoRoot, 'bin/skiff'), serverArgs, spawnOpts)
    : spawn(process.execPath, [...nodeFlags, join(repoRoot, 'bin/skiff'), ...serverArgs], spawnOpts);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); o.onStderr?.(d); });
  const timeoutMs = o.readyTimeoutMs ?? 30_000;
  const m = await new Promise<RegExpMatchArray>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`server not ready in ${timeoutMs / 1000} s: ${stderr}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const found = /ready at (https:\/\/\S+) \(port (\d+)\).*kubeconfig: (\S+)/.exec(out);
      if (found) { clearTimeout(timer); ok(found); }
    });
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited (${code}): ${stderr}`)); });
  });
  const readyMs = performance.now() - t0;
  child.stdout!.resume();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    child, pid: child.pid!, url: m[1]!, kubeconfigPath: m[3]!, readyMs,
    exited: () => !running(),
    async stop() {
      if (running()) child.kill('SIGTERM');
      const t = o.killAfterMs !== undefined ? setTimeout(() => { if (running()) child.kill('SIGKILL'); }, o.killAfterMs) : undefined;
      await exited;
      if (t) clearTimeout(t);
    },
  };
}

export interface HttpResult { readonly status: number; readonly body: string }

export interface KubeHttp {
  request(method: string, path: string, body?: unknown): Promise<HttpResult>;
  close(): void;
}

/** An HTTPS client authenticating with the admin client certificate from a kubeconfig. */
export function clientFromKubeconfig(kubeconfigPath: string, maxSockets = 32): KubeHttp {
  const kc = parseYaml(readFileSync(kubeconfigPath, 'utf8')) as {
    clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
    users: Array<{ user: { 'client-certificate-data': string; 'client-key-data': string } }>;
  };
  const cluster = kc.clusters[0]!.cluster;
  const user = kc.users[0]!.user;
  const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
  const agent = new Agent({ keepAlive: true, maxSockets, ca: b64(cluster['certificate-authority-data']), cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']) });
  const base = new URL(cluster.server);
  return {
    request(method, path, body) {
      return new Promise((ok, fail) => {
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const req = request({ host: base.hostname, port: base.port, method, path, agent, headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          res.on('error', fail);
        });
        req.on('error', fail);
        req.end(payload);
      });
    },
    close() { agent.destroy(); },
  };
}

/** Resident set size of a process, in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc/PID/stat. On a busy
 * machine this is a steadier signal than latency: it does not count time spent waiting to run.
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicksPerSecond;
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const clockTicksPerSecond = 100;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Median, 90th percentile and range of a sample (milliseconds or whatever unit it is in). */
export interface Spread { readonly n: number; readonly median: number; readonly p90: number; readonly min: number; readonly max: number }

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, median: percentile(sorted, 50), p90: percentile(sorted, 90), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
}

export interface TimedRun {
  /** Wall milliseconds from spawn to the process's exit (not to its pipes closing). */
  readonly ms: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TimedSpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Killed (SIGKILL, by its PID) after this long; the run then reports signal SIGKILL. */
  readonly timeoutMs?: number;
  /** A clean-up step: runs even after killTimedChildren. */
  readonly cleanup?: boolean;
}

/** Children of timedSpawn still running, so an interrupted benchmark can stop them first. */
const liveChildren = new Set<ChildProcess>();

let spawningStopped = false;

/**
 * For a benchmark's signal handler: SIGKILLs (by PID) every timedSpawn child still running,
 * and makes later timedSpawn calls fail at once, so the interrupted measurement winds down
 * without starting anything while the cleanup runs.
 */
export function killTimedChildren(): void {
  spawningStopped = true;
  for (const child of liveChildren) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export function timedSpawnStopped(): boolean {
  return spawningStopped;
}

/**
 * Runs a command as a whole process and times it from outside, as a user's shell would see
 * it. Output is kept (the last 64 KiB of each stream) so callers can check what it did.
 */
export function timedSpawn(command: string, args: readonly string[], options: TimedSpawnOptions = {}): Promise<TimedRun> {
  if (spawningStopped && !options.cleanup) return Promise.reject(new Error(`interrupted: ${command} not started`));
  return new Promise((ok, fail) => {
    const keep = (s: string, d: Buffer): string => (s + d.toString()).slice(-65536);
    let stdout = '';
    let stderr = '';
    const start = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env, ...(options.cwd ? { cwd: options.cwd } : {}) });
    let exitedAt = 0;
    let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    liveChildren.add(child);
    const timer = options.timeoutMs ? setTimeout(() => { child.kill('SIGKILL'); }, options.timeoutMs) : undefined;
    child.stdout!.on('data', (d: Buffer) => { stdout = keep(stdout, d); });
    child.stderr!.on('data', (d: Buffer) => { stderr = keep(stderr, d); });
    child.once('error', (err) => { liveChildren.delete(child); if (timer) clearTimeout(timer); fail(err); });
    child.once('exit', (code, signal) => { exitedAt = performance.now(); exit = { code, signal }; liveChildren.delete(child); });
    // 'close' comes after 'exit' once the pipes are drained; a grandchild holding them open
    // would delay it, which is why the time is taken at 'exit'.
    child.once('close', () => {
      if (timer) clearTimeout(timer);
      ok({ ms: exitedAt - start, code: exit.code, signal: exit.signal, stdout, stderr });
    });
  });
}

/** Mount points at or below `dir`, deepest last as /proc lists them. */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return readFileSync('/proc/self/mounts', 'utf8').split('\n')
    .map((line) => (line.split(' ')[1] ?? '').replace(/\\040/g, ' '))
    .filter((m) => m === dir || m.startsWith(prefix));
}
