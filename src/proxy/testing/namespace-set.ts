/**
 * The namespace bookkeeping shared by the test networks (TestNode, TestCluster): the network
 * namespaces they made and the processes they started inside them, all removed by dispose()
 * (processes by PID, namespaces by name; deleting a namespace takes its veth ends with it).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface RunResult { code: number; stdout: string; stderr: string }

export class NamespaceSet {
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();

  /** Makes a namespace with lo up, and remembers it for dispose(). */
  protected async addNs(name: string): Promise<void> {
    await exec('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    await this.ip(name, 'link set lo up');
  }

  /** `ip -n NS ARGS...` (args split on spaces). */
  protected async ip(ns: string, args: string): Promise<void> {
    await exec('ip', ['-n', ns, ...args.split(' ')]);
  }

  /** Runs a command to completion inside a namespace. */
  async run(ns: string, cmd: string[], timeoutMs = 10_000): Promise<RunResult> {
    try {
      const { stdout, stderr } = await exec('ip', ['netns', 'exec', ns, ...cmd], { timeout: timeoutMs });
      return { code: 0, stdout, stderr };
    } catch (err: unknown) {
      const e = err as { code?: number | string; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
    }
  }

  /** Starts a long-running process inside a namespace; dispose() kills it by PID. */
  spawnIn(ns: string, cmd: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  async dispose(): Promise<void> {
    for (const c of this.children) {
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        await exited;
      }
    }
    const failures: string[] = [];
    for (const ns of this.namespaces.reverse()) await exec('ip', ['netns', 'del', ns]).catch((err: unknown) => failures.push(`${ns}: ${String(err)}`));
    this.namespaces.length = 0;
    if (failures.length > 0) throw new Error(`could not remove namespaces: ${failures.join('; ')}`);
  }
}
