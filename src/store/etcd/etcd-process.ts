/**
 * Runs etcd (Debian's etcd-server) on loopback for tests, one member or a small cluster:
 * free client and peer ports, a temporary data directory per member, and stop() that ends
 * each process by PID and removes its directory. Nothing listens beyond 127.0.0.1.
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
  /** Ends etcd (by PID) but keeps its data directory, as a crashed machine would. */
  halt(): Promise<void>;
  /** Stops etcd and starts it again on the same ports and data, after downtimeMs (default 0). */
  restart(options?: { readonly downtimeMs?: number }): Promise<void>;
  /** Stops etcd (by PID) and removes its data directory; idempotent. */
  stop(): Promise<void>;
}

const logTailBytes = 8192;

export interface EtcdCluster {
  /** One client URL per member. */
  readonly endpoints: string[];
  readonly members: EtcdServer[];
  /** Stops every member and removes their data; idempotent. */
  stop(): Promise<void>;
}

/** A single-member etcd. */
export async function startEtcdServer(options: EtcdServerOptions = {}): Promise<EtcdServer> {
  const cluster = await startEtcdCluster(1, options);
  const [member] = cluster.members;
  if (!member) throw new Error('etcd cluster without a member');
  return member;
}

/** `size` members on loopback that form one cluster (3 survives the loss of one). */
export async function startEtcdCluster(size: number, options: EtcdServerOptions = {}): Promise<EtcdCluster> {
  const specs: MemberSpec[] = [];
  for (let i = 0; i < size; i++) {
    specs.push({ name: `m${i}`, endpoint: `http://127.0.0.1:${await freePort()}`, peer: `http://127.0.0.1:${await freePort()}`, dataDir: mkdtempSync(join(tmpdir(), 'skiff-etcd-')) });
  }
  const initialCluster = specs.map((m) => `${m.name}=${m.peer}`).join(',');
  // A lone member elects itself after one election timeout: keep it short. Several members
  // on a busy test machine need more slack, or leadership flaps.
  const timing = size === 1 ? ['--heartbeat-interval', '10', '--election-timeout', '100'] : ['--heartbeat-interval', '50', '--election-timeout', '500'];
  const members = specs.map((spec) => new Member(spec, [
    '--name', spec.name,
    '--data-dir', spec.dataDir,
    '--listen-client-urls', spec.endpoint, '--advertise-client-urls', spec.endpoint,
    '--listen-peer-urls', spec.peer, '--initial-advertise-peer-urls', spec.peer,
    '--initial-cluster', initialCluster, '--initial-cluster-state', 'new',
    ...timing,
  ], options));
  const stop = async (): Promise<void> => { await Promise.all(members.map((m) => m.stop())); };
  try {
    // Members of a new cluster wait for each other: start them together.
    await Promise.all(members.map((m) => m.launch()));
  } catch (err: unknown) {
    await stop();
    throw err;
  }
  return { endpoints: specs.map((m) => m.endpoint), members, stop };
}

interface MemberSpec { readonly name: string; readonly endpoint: string; readonly peer: string; readonly dataDir: string }

class Member implements EtcdServer {
  private running: RunningEtcd | undefined;
  private removed = false;

  constructor(private readonly spec: MemberSpec, private readonly args: string[], private readonly options: EtcdServerOptions) {}

  get endpoint(): string { return this.spec.endpoint; }
  get dataDir(): string { return this.spec.dataDir; }
  get pid(): number { return this.running?.child.pid ?? 0; }

  async launch(): Promise<void> {
    const started = spawnEtcd(this.options.binary ?? '/usr/bin/etcd', this.args);
    this.running = started;
    try {
      await waitHealthy(this.spec.endpoint, started.child, this.options.startTimeoutMs ?? 15_000);
    } catch (err: unknown) {
      throw new Error(`etcd ${this.spec.name} did not start: ${err instanceof Error ? err.message : String(err)}\n${started.log()}`, { cause: err });
    }
  }

  /** Ends the process (by PID) but keeps its data, as a crashed or stopped machine would. */
  async halt(): Promise<void> {
    if (this.running) await stopChild(this.running.child, this.running.exited);
    this.running = undefined;
  }

  async restart(options: { readonly downtimeMs?: number } = {}): Promise<void> {
    await this.halt();
    await new Promise((resolve) => setTimeout(resolve, options.downtimeMs ?? 0));
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.halt();
    if (!this.removed) rmSync(this.spec.dataDir, { recursive: true, force: true });
    this.removed = true;
  }
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
