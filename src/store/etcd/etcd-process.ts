/**
 * Runs a single-member etcd (Debian's etcd-server) on loopback for tests: free client and
 * peer ports, a temporary data directory, and stop() that ends it by PID and removes the
 * directory. Nothing it serves is reachable from outside the machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EtcdServerOptions {
  /** The etcd binary (default /usr/bin/etcd). */
  readonly binary?: string;
  /** How long to wait for etcd to report healthy (ms, default 15000). */
  readonly startTimeoutMs?: number;
}

export interface EtcdServer {
  /** The client URL, e.g. http://127.0.0.1:41234. */
  readonly endpoint: string;
  /** The running etcd's PID (0 while stopped). */
  readonly pid: number;
  readonly dataDir: string;
  /** Stops etcd and starts it again on the same ports and data, after downtimeMs (default 0). */
  restart(options?: { readonly downtimeMs?: number }): Promise<void>;
  /** Stops etcd (by PID) and removes its data directory; idempotent. */
  stop(): Promise<void>;
}

const logTailBytes = 8192;

export async function startEtcdServer(options: EtcdServerOptions = {}): Promise<EtcdServer> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-etcd-'));
  const args = [
    '--name', 'default',
    '--data-dir', dataDir,
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `default=${peer}`, '--initial-cluster-state', 'new',
    // A lone member elects itself after one election timeout: keep it short for tests.
    '--heartbeat-interval', '10', '--election-timeout', '100',
  ];
  let running: RunningEtcd | undefined;
  let removed = false;
  const launch = async (): Promise<RunningEtcd> => {
    const started = spawnEtcd(options.binary ?? '/usr/bin/etcd', args);
    running = started;
    try {
      await waitHealthy(endpoint, started.child, options.startTimeoutMs ?? 15_000);
    } catch (err: unknown) {
      throw new Error(`etcd did not start: ${err instanceof Error ? err.message : String(err)}\n${started.log()}`, { cause: err });
    }
    return started;
  };
  const halt = async (): Promise<void> => {
    if (running) await stopChild(running.child, running.exited);
    running = undefined;
  };
  const stop = async (): Promise<void> => {
    await halt();
    if (!removed) rmSync(dataDir, { recursive: true, force: true });
    removed = true;
  };
  try {
    await launch();
  } catch (err: unknown) {
    await stop();
    throw err;
  }
  return {
    endpoint, dataDir, stop,
    get pid(): number { return running?.child.pid ?? 0; },
    restart: async (restartOptions = {}) => {
      await halt();
      await new Promise((resolve) => setTimeout(resolve, restartOptions.downtimeMs ?? 0));
      await launch();
    },
  };
}

interface RunningEtcd {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  log(): string;
}

function spawnEtcd(binary: string, args: string[]): RunningEtcd {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keepLog = (chunk: Buffer) => { log = (log + chunk.toString('utf8')).slice(-logTailBytes); };
  child.stdout?.on('data', keepLog);
  child.stderr?.on('data', keepLog);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited, log: () => log };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => { if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL'); }, 5000);
  await exited;
  clearTimeout(timer);
}

async function waitHealthy(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`etcd exited (${child.exitCode ?? child.signalCode})`);
    try {
      const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      const body = await res.text();
      if (res.ok && body.includes('"true"')) return;
      last = `${res.status} ${body}`;
    } catch (err: unknown) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not healthy after ${timeoutMs} ms: ${last}`);
}

/** A port nobody listens on right now (the kernel's pick for port 0 on loopback). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
