/**
 * Shared set-up for the builder's end-to-end tests: an engine root in a temp dir with the
 * busybox base image (scripts/make-busybox-image.sh), context folders, and checks that a
 * build left no mounts or temp dirs behind.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type BuildOptions, type BuildResult, type ProgressSink } from '../../src/engine/build/index.js';

const run = promisify(execFile);
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Fixture {
  readonly root: string;
  readonly dir: string;
  cleanup(): Promise<void>;
}

export async function makeFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-build-e2e-'));
  const root = join(dir, 'engine');
  await run('bash', [join(repoRoot, 'scripts/make-busybox-image.sh'), '--root', root], { cwd: repoRoot });
  return {
    root, dir,
    async cleanup() {
      const mounts = await leftoverMounts(dir);
      for (const m of mounts.reverse()) await run('umount', ['-l', m]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Mount points under `dir` (there must be none once a build has returned). */
export async function leftoverMounts(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mounts', 'utf8');
  return text.split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(dir));
}

/** Temp folders of builds (there must be none once a build has returned). */
export async function leftoverBuildDirs(root: string): Promise<string[]> {
  try {
    return await readdir(join(root, 'build-cache', 'tmp'));
  } catch {
    return [];
  }
}

let contexts = 0;
/** A context folder with the given files (path -> content). */
export async function makeContext(fixture: Fixture, files: Record<string, string>): Promise<string> {
  const ctx = join(fixture.dir, `ctx-${++contexts}`);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(ctx, path)), { recursive: true });
    await writeFile(join(ctx, path), content);
  }
  await mkdir(ctx, { recursive: true });
  return ctx;
}

export interface Recorded {
  readonly events: string[];
  readonly sink: ProgressSink;
}

/** A progress sink that records `start NAME`, `log NAME LINE`, `cached NAME`, `done NAME`, `error NAME MSG`. */
export function recorder(): Recorded {
  const events: string[] = [];
  return {
    events,
    sink: {
      vertex(name) {
        events.push(`start ${name}`);
        return {
          log: (line) => events.push(`log ${name} ${line}`),
          status: (text) => events.push(`status ${name} ${text}`),
          cached: () => events.push(`cached ${name}`),
          done: () => events.push(`done ${name}`),
          error: (message) => events.push(`error ${name} ${message}`),
        };
      },
      warn: (message) => events.push(`warn ${message}`),
    },
  };
}

export async function buildIn(fixture: Fixture, contextDir: string, dockerfile: string, options: Partial<BuildOptions> = {}): Promise<BuildResult> {
  return build({ root: fixture.root, contextDir, dockerfileText: dockerfile, ...options });
}

export async function skiff(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repoRoot, 'bin/skiff'), ...args], { maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err: unknown) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
