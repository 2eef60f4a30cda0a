/**
 * Shared set-up for the container runtime's end-to-end tests: a temp engine root with the
 * busybox image (scripts/make-busybox-image.sh), `bin/skiff` run as a separate process per
 * command (as a user would), and a teardown that removes every container and checks nothing
 * (mount, cgroup, runtime state) was left behind.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const skiffBin = join(repoRoot, 'bin/skiff');

export interface SkiffResult { code: number; stdout: string; stderr: string }

export interface SkiffOptions {
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed (stdin is /dev/null without it). */
  input?: string;
}

export interface EngineFixture {
  readonly dir: string;
  readonly root: string;
  /** Runs `skiff ARGS --root ROOT` in a new process; never rejects. */
  skiff(args: readonly string[], options?: SkiffOptions): Promise<SkiffResult>;
  cleanup(): Promise<void>;
}

export function runSkiff(root: string, args: readonly string[], options: SkiffOptions = {}): Promise<SkiffResult> {
  return new Promise((resolvePromise, reject) => {
    // --root goes right after the command name: run/create stop parsing flags at the image.
    const [command, ...rest] = args;
    const child = spawn(process.execPath, [skiffBin, command!, '--root', root, ...rest], { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (options.input !== undefined) child.stdin?.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? -1 : 0), stdout, stderr });
    });
  });
}

export async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mounts', 'utf8');
  return text.split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(dir));
}

/** Container cgroups (/skiff/<id>) for the given ids that still exist in any v1 controller. */
export async function leftoverCgroups(ids: readonly string[]): Promise<string[]> {
  const left: string[] = [];
  for (const controller of ['memory', 'cpu', 'pids', 'devices', 'freezer']) {
    let entries: string[] = [];
    try {
      entries = await readdir(join('/sys/fs/cgroup', controller, 'skiff'));
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const id of ids) if (entries.includes(id)) left.push(`${controller}/skiff/${id}`);
  }
  return left;
}

export async function containerIds(root: string): Promise<string[]> {
  try {
    return (await readdir(join(root, 'containers'))).filter((e) => /^[0-9a-f]{64}$/.test(e));
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function makeEngineFixture(prefix: string): Promise<EngineFixture> {
  const dir = await mkdtemp(join(tmpdir(), `skiff-${prefix}-`));
  const root = join(dir, 'engine');
  const seen = new Set<string>();
  const fixture: EngineFixture = {
    dir,
    root,
    async skiff(args, options) {
      const result = await runSkiff(root, args, options);
      for (const id of await containerIds(root)) seen.add(id);
      return result;
    },
    async cleanup() {
      for (const id of await containerIds(root)) seen.add(id);
      await runSkiff(root, ['rm', '-a', '-f']);
      // Safety net for a failed test: whatever is still there goes, runtime state included.
      for (const id of seen) {
        await run('runc', ['--root', join(root, 'runc'), 'delete', '--force', id]).catch(() => undefined);
      }
      for (const m of (await mountsUnder(dir)).reverse()) await run('umount', ['-l', m]).catch(() => undefined);
      for (const cg of await leftoverCgroups([...seen])) await rmdir(join('/sys/fs/cgroup', cg)).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await run('bash', [join(repoRoot, 'scripts/make-busybox-image.sh'), '--root', root], { cwd: repoRoot });
  } catch (err: unknown) {
    await fixture.cleanup();
    throw err;
  }
  return fixture;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true or the time is up. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}
