/**
 * A cluster of one `skiff server` and N `skiff agent` processes on one machine, each in a
 * network namespace this fixture makes: a "lan" namespace holds bridge br0, and the server
 * (192.168.81.10) and nodes (192.168.81.1+i) hang off it by veth. No namespace has a route
 * off the machine; ip_forward is turned on only inside the node namespaces. Agents join with
 * the server's DATA_DIR/token, each with its own --data-dir and engine root (SKIFF_ROOT)
 * holding the busybox image. `nsenter --net` (not `ip netns exec`, which remounts /sys and
 * hides the cgroup mounts) runs everything.
 *
 * dispose() stops the agents and the server by PID, removes every container left in the
 * engine roots, the pods' namespaces, the fixture's namespaces and the temp dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runSkiff } from './engine-run-fixture.js';
import { run, type RunResult } from './kubelet-fixture.js';

export const serverIp = '192.168.81.10';
export const nodeIp = (i: number): string => `192.168.81.${i + 1}`;

export interface AgentProcess {
  readonly name: string;
  readonly netns: string;
  readonly dataDir: string;
  readonly engineRoot: string;
  output(): string;
  /** SIGTERM (then SIGKILL after 10 s); resolves when it exited. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash or a lost machine; resolves when it exited. */
  kill(): Promise<void>;
}

interface Proc { child: ChildProcess; out: string }

function launch(netns: string, args: readonly string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn('nsenter', [`--net=/run/netns/${netns}`, process.execPath, join(repoRoot, 'bin/skiff'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SKIFF_LOG_LEVEL: 'warn', ...env } });
  const p: Proc = { child, out: '' };
  const keep = (d: Buffer): void => { p.out = (p.out + d.toString()).slice(-16_000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return p;
}

async function waitForOutput(p: Proc, re: RegExp, what: string, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = p.out.match(re);
    if (m) return m;
    if (p.child.exitCode !== null || p.child.signalCode !== null) throw new Error(`${what} exited (${p.child.exitCode ?? p.child.signalCode}): ${p.out}`);
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms: ${p.out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function terminate(p: Proc, graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const { child } = p;
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, signal);
  const t = setTimeout(() => { if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL'); }, graceMs);
  await exited;
  clearTimeout(t);
}

export class JoinCluster {
  readonly id = randomBytes(3).toString('hex');
  readonly lan = `skj-${this.id}-lan`;
  readonly serverNs = `skj-${this.id}-srv`;
  readonly agents: AgentProcess[] = [];
  private readonly namespaces: string[] = [];
  private readonly procs: Proc[] = [];
  private server: Proc | undefined;
  url = '';
  dataDir = '';
  private home = '';

  private constructor(readonly dir: string) {}

  /** serverArgs: extra `skiff server` flags (e.g. --flannel-backend vxlan). */
  static async create(opts: { serverArgs?: readonly string[] } = {}): Promise<JoinCluster> {
    const c = new JoinCluster(await mkdtemp(join(tmpdir(), 'skiff-join-e2e-')));
    try {
      await c.startServer(opts.serverArgs ?? []);
    } catch (err: unknown) {
      await c.dispose();
      throw err;
    }
    return c;
  }

  nodeNs(i: number): string { return `skj-${this.id}-n${i}`; }

  private async sh(args: readonly string[]): Promise<void> {
    const r = await run(args[0] ?? '', args.slice(1));
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  }

  private async addNs(ns: string, addr: string, port: string): Promise<void> {
    await this.sh(['ip', 'netns', 'add', ns]);
    this.namespaces.push(ns);
    await this.sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    await this.sh(['ip', '-n', this.lan, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await this.sh(['ip', '-n', this.lan, 'link', 'set', port, 'master', 'br0', 'up']);
    await this.sh(['ip', '-n', ns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0']);
    await this.sh(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
  }

  private async startServer(extraArgs: readonly string[]): Promise<void> {
    this.home = join(this.dir, 'home');
    await mkdir(this.home);
    await this.sh(['ip', 'netns', 'add', this.lan]);
    this.namespaces.push(this.lan);
    await this.sh(['ip', '-n', this.lan, 'link', 'add', 'br0', 'type', 'bridge']);
    await this.sh(['ip', '-n', this.lan, 'link', 'set', 'br0', 'up']);
    await this.addNs(this.serverNs, serverIp, 'vsrv');
    this.dataDir = join(this.dir, 'server');
    const p = launch(this.serverNs, ['server', '--data-dir', this.dataDir, '--bind-address', serverIp, '--port', '0', '--no-agent', ...extraArgs], {});
    this.server = p;
    this.procs.push(p);
    const m = await waitForOutput(p, /ready at (https:\/\/\S+) /, 'server', 30_000);
    this.url = m[1] ?? '';
    await waitForOutput(p, /node join token in /, 'server join token', 30_000);
  }

  async token(): Promise<string> {
    return (await readFile(join(this.dataDir, 'token'), 'utf8')).trim();
  }

  /** A node namespace with the busybox image in its own engine root; the agent is not started. */
  async addNode(i: number, opts: { image?: boolean } = {}): Promise<{ netns: string; engineRoot: string; dataDir: string }> {
    const netns = this.nodeNs(i);
    await this.addNs(netns, nodeIp(i), `vn${i}`);
    await this.sh(['nsenter', `--net=/run/netns/${netns}`, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    const engineRoot = join(this.dir, `engine-${i}`);
    if (opts.image !== false) {
      const made = await run('bash', [join(repoRoot, 'scripts/make-busybox-image.sh'), '--root', engineRoot], { timeoutMs: 60_000 });
      if (made.code !== 0) throw new Error(`busybox image: ${made.stderr}`);
    }
    return { netns, engineRoot, dataDir: join(this.dir, `agent-${i}`) };
  }

  /** Runs `skiff agent` in node i's namespace; resolves when it printed its ready line. `args`: more agent flags. */
  async startAgent(i: number, name: string, opts: { token?: string; args?: readonly string[] } = {}): Promise<AgentProcess> {
    const { netns, engineRoot, dataDir } = await this.addNode(i);
    const p = launch(netns, ['agent', '--server', this.url, '--token', opts.token ?? await this.token(), '--data-dir', dataDir, '--node-name', name, '--root', engineRoot, ...(opts.args ?? [])], { SKIFF_ROOT: engineRoot });
    this.procs.push(p);
    const agent: AgentProcess = { name, netns, dataDir, engineRoot, output: () => p.out, stop: () => terminate(p), kill: () => terminate(p, 0, 'SIGKILL') };
    this.agents.push(agent);
    await waitForOutput(p, /skiff agent ready: node /, `agent ${name}`, 120_000);
    return agent;
  }

  /** Starts a stopped agent again in its namespace, on its data dir and engine root; resolves when ready. */
  async restartAgent(agent: AgentProcess): Promise<AgentProcess> {
    await agent.stop();
    const p = launch(agent.netns, ['agent', '--server', this.url, '--token', await this.token(), '--data-dir', agent.dataDir, '--node-name', agent.name, '--root', agent.engineRoot], { SKIFF_ROOT: agent.engineRoot });
    this.procs.push(p);
    const again: AgentProcess = { ...agent, output: () => p.out, stop: () => terminate(p) };
    this.agents.push(again);
    await waitForOutput(p, /skiff agent ready: node /, `agent ${agent.name} (restarted)`, 120_000);
    return again;
  }

  /** Runs `skiff agent` to its exit (e.g. a refused join) in a namespace of its own. */
  async runAgentToExit(i: number, name: string, token: string): Promise<{ code: number | null; output: string }> {
    const { netns, engineRoot, dataDir } = await this.addNode(i, { image: false });
    const p = launch(netns, ['agent', '--server', this.url, '--token', token, '--data-dir', dataDir, '--node-name', name, '--root', engineRoot], { SKIFF_ROOT: engineRoot });
    this.procs.push(p);
    const code = await new Promise<number | null>((r) => { if (p.child.exitCode !== null) r(p.child.exitCode); else p.child.once('exit', (c) => r(c)); });
    return { code, output: p.out };
  }

  kubectl(args: readonly string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    return run('nsenter', [`--net=/run/netns/${this.serverNs}`, 'kubectl', '--kubeconfig', join(this.dataDir, 'kubeconfig.yaml'), ...args], { ...opts, env: { HOME: this.home } });
  }

  inNs(ns: string, args: readonly string[], timeoutMs = 10_000): Promise<RunResult> {
    return run('nsenter', [`--net=/run/netns/${ns}`, ...args], { timeoutMs });
  }

  serverOutput(): string { return this.server?.out ?? ''; }

  async waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}\nserver: ${this.serverOutput().slice(-3000)}\n${this.agents.map((a) => `agent ${a.name}: ${a.output().slice(-3000)}`).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private disposed: Promise<void> | undefined;
  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      for (const p of [...this.procs].reverse()) await terminate(p).catch(() => undefined);
      // A restarted agent appears twice, with one engine root.
      for (const a of new Map(this.agents.map((x) => [x.engineRoot, x])).values()) {
        const ps = await runSkiff(a.engineRoot, ['ps', '-aq']).catch(() => undefined);
        for (const id of (ps?.stdout ?? '').split('\n').filter(Boolean)) await runSkiff(a.engineRoot, ['rm', '-f', id]);
        const sandboxDir = join(a.dataDir, 'sandboxes');
        for (const f of await readdir(sandboxDir).catch(() => [] as string[])) {
          const rec = JSON.parse(await readFile(join(sandboxDir, f), 'utf8')) as { netnsName?: string };
          if (rec.netnsName) await run('ip', ['netns', 'delete', rec.netnsName]);
        }
      }
      for (const ns of [...this.namespaces].reverse()) await run('ip', ['netns', 'delete', ns]);
      await rm(this.dir, { recursive: true, force: true });
    })();
    return this.disposed;
  }
}
