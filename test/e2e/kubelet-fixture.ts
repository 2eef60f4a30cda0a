/**
 * A whole `skiff server` with its in-process node agent, run inside a network namespace the
 * test makes (lo up, no other interface, no route off the machine), with the real kubectl
 * run in the same namespace (API on 127.0.0.1 there). The engine root is a temp dir holding
 * the busybox image and an `nginx:1.14.2` built from it (busybox httpd on port 80).
 *
 * `nsenter --net` (not `ip netns exec`) is used: the latter remounts /sys, which hides the
 * cgroup mounts the runtime needs. stop() kills the server by PID, removes every container
 * left in the engine root, the pods' namespaces, the test namespace and the temp dirs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { repoRoot, runSkiff } from './engine-run-fixture.js';

export interface RunResult { code: number; stdout: string; stderr: string; ms: number }

export interface NodeServer {
  readonly dir: string;
  readonly engineRoot: string;
  readonly dataDir: string;
  /** The engine's run root (a tmpfs): bundles, runtime state, and the agent's run folder (agent/). */
  readonly runRoot: string;
  readonly netns: string;
  readonly nodeName: string;
  kubectl(args: readonly string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<RunResult>;
  /** Runs a command inside the test namespace (e.g. busybox wget to a pod IP). */
  inNetns(command: string, args: readonly string[], opts?: { timeoutMs?: number }): Promise<RunResult>;
  /** Polls `fn` until it returns a value (not undefined) or the time is up. */
  waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
  /** The server process's PID (for RSS figures), while it runs. */
  serverPid(): number | undefined;
  /** Stops the server (its agent leaves the containers running) and starts it again. */
  restart(): Promise<void>;
}

export function run(command: string, args: readonly string[], opts: { stdin?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { if (child.pid) process.kill(child.pid, 'SIGKILL'); }, opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started }); });
    // A command that exits without reading its input must not fail the test.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin ?? '');
  });
}

const dockerfile = `FROM busybox
RUN mkdir -p /www && echo hello-from-nginx > /www/index.html
CMD ["sh", "-c", "echo nginx starting; trap 'echo got SIGTERM; exit 0' TERM; httpd -f -v -p 80 -h /www & wait"]
`;

/** `serverArgs`: more `skiff server` flags (e.g. --seccomp-default). */
export async function startNodeServer(o: { serverArgs?: readonly string[] } = {}): Promise<NodeServer> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-kubelet-e2e-'));
  const engineRoot = join(dir, 'engine');
  // The engine's run root on a tmpfs, as /run is on a normal node (this VM's /run is not):
  // containers' bundles, pid and exit files and runc's state (engine/runtime/paths.ts).
  const runRoot = await mkdtemp('/dev/shm/skiff-run-');
  const dataDir = join(dir, 'data');
  const home = join(dir, 'home');
  const netns = `skiff-e2e-${randomBytes(4).toString('hex')}`;
  const nodeName = `node-${randomBytes(3).toString('hex')}`;
  const nsPath = `/run/netns/${netns}`;
  let child: ChildProcess | undefined;
  let stderr = '';
  /** Starts the server process (again) on the same data dir and engine root. */
  const launch = async (): Promise<void> => {
    const proc = spawn('nsenter', [`--net=${nsPath}`, process.execPath, join(repoRoot, 'bin/skiff'), 'server', '--data-dir', dataDir, '--bind-address', '127.0.0.1', '--port', '0', '--node-name', nodeName, ...(o.serverArgs ?? [])], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SKIFF_ROOT: engineRoot, SKIFF_RUN_ROOT: runRoot, SKIFF_LOG_LEVEL: 'warn' },
    });
    child = proc;
    proc.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-8000); });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server not ready; stderr: ${stderr}`)), 30_000);
      proc.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (/ready at https:/.test(out)) { clearTimeout(timer); resolve(); }
      });
      proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${stderr}`)); });
    });
    proc.stdout?.resume();
  };
  const terminate = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null && child.pid) {
      const proc = child;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      process.kill(proc.pid!, 'SIGTERM');
      const t = setTimeout(() => { if (proc.pid && proc.exitCode === null) process.kill(proc.pid, 'SIGKILL'); }, 5000);
      await exited;
      clearTimeout(t);
    }
  };
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await terminate();
      // Whatever the test left: containers, then the pods' namespaces, then ours.
      const ps = await runSkiff(engineRoot, ['ps', '-aq']).catch(() => undefined);
      for (const id of (ps?.stdout ?? '').split('\n').filter(Boolean)) await runSkiff(engineRoot, ['rm', '-f', id]);
      // The agent keeps its sandbox records in the run root (kubelet/agent.ts runDir).
      const sandboxDir = join(runRoot, 'agent', 'sandboxes');
      for (const f of await readdir(sandboxDir).catch(() => [] as string[])) {
        const rec = JSON.parse(await readFile(join(sandboxDir, f), 'utf8')) as { netnsName?: string };
        if (rec.netnsName) await run('ip', ['netns', 'delete', rec.netnsName]);
      }
      await run('ip', ['netns', 'delete', netns]);
      await rm(dir, { recursive: true, force: true });
      await rm(runRoot, { recursive: true, force: true });
    })();
    return stopped;
  };
  try {
    await mkdir(home, { recursive: true });
    const made = await run('bash', [join(repoRoot, 'scripts/make-busybox-image.sh'), '--root', engineRoot], { timeoutMs: 60_000 });
    if (made.code !== 0) throw new Error(`busybox image: ${made.stderr}`);
    const ctx = join(dir, 'ctx');
    await mkdir(ctx);
    await writeFile(join(ctx, 'Dockerfile'), dockerfile);
    const built = await runSkiff(engineRoot, ['build', '-t', 'nginx:1.14.2', ctx], { timeoutMs: 60_000 });
    if (built.code !== 0) throw new Error(`build: ${built.stderr}`);
    const added = await run('ip', ['netns', 'add', netns]);
    if (added.code !== 0) throw new Error(`ip netns add: ${added.stderr}`);
    await run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    await launch();
    const kubeconfig = join(dataDir, 'kubeconfig.yaml');
    const server: NodeServer = {
      dir, engineRoot, dataDir, runRoot, netns, nodeName,
      kubectl: (args, opts = {}) => run('nsenter', [`--net=${nsPath}`, 'kubectl', '--kubeconfig', kubeconfig, ...args], { ...opts, env: { HOME: home } }),
      inNetns: (command, args, opts = {}) => run('nsenter', [`--net=${nsPath}`, command, ...args], opts),
      async waitFor(what, fn, timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const v = await fn();
          if (v !== undefined) return v;
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; server stderr: ${stderr}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      stop,
      serverPid: () => child?.pid,
      async restart() {
        await terminate();
        await launch();
        await waitReady();
      },
    };
    // The agent registers right after the ready line; its lease shows it is alive.
    const waitReady = (): Promise<boolean> => server.waitFor('the node to be Ready', async () => {
      const r = await server.kubectl(['get', 'node', nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
      return r.stdout === 'True' ? true : undefined;
    });
    await waitReady();
    return server;
  } catch (err: unknown) {
    await stop();
    throw err;
  }
}
