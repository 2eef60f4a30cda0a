/**
 * The engine benchmark's temp directory and everything it owns: engine roots, podman and
 * buildah storage, the OCI bundle, dockerd's data. Every resource registers how to undo it
 * here, and `cleanup()` undoes them newest first, then unmounts whatever is still mounted
 * below the directory and removes it, also when the benchmark failed or was interrupted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountsUnder, sleep } from './_lib.js';

/** PIDs whose command line names a path inside `dir` (only this benchmark's own helpers do). */
function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(dir)) pids.push(Number(name));
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
  return pids;
}

async function waitForProcessesUsing(dir: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (processesUsing(dir).length > 0 && Date.now() < deadline) await sleep(200);
}

interface Disposer { readonly what: string; readonly dispose: () => Promise<void> | void }

export class BenchWorkspace {
  private readonly disposers: Disposer[] = [];
  private cleaned = false;

  private constructor(readonly dir: string) {}

  static create(prefix: string): BenchWorkspace {
    return new BenchWorkspace(mkdtempSync(join(tmpdir(), prefix)));
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** Registers an undo step; steps run newest first. */
  defer(what: string, dispose: () => Promise<void> | void): void {
    this.disposers.push({ what, dispose });
  }

  /** Undoes everything; safe to call twice (a signal handler and the normal path may race). */
  async cleanup(): Promise<string[]> {
    if (this.cleaned) return [];
    this.cleaned = true;
    const problems: string[] = [];
    for (const d of this.disposers.reverse()) {
      try {
        await d.dispose();
      } catch (err: unknown) {
        problems.push(`${d.what}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    // A podman killed mid-run leaves conmon and its `podman container cleanup` finishing on
    // their own (they write events and unmount); let them end before the sweep.
    await waitForProcessesUsing(this.dir, 15_000);
    // Deepest first, so an overlay on top of a bind mount goes before the bind.
    for (const m of mountsUnder(this.dir).reverse()) {
      if (spawnSync('umount', [m]).status !== 0 && spawnSync('umount', ['-l', m]).status !== 0) problems.push(`could not unmount ${m}`);
    }
    try {
      rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch (err: unknown) {
      problems.push(`removing ${this.dir}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return problems;
  }
}
