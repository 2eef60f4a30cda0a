/**
 * The OCI runtime binary (runc by default, crun on request) and its verbs. Its state lives
 * under <run root>/runc (paths.ts) so `runc list` of other users is not disturbed.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runTool } from './exec-tool.js';
import { runRootOf, runtimeStateRoot } from './paths.js';

export type RuntimeName = 'runc' | 'crun';

const found = new Map<string, string>();

export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const known = found.get(name);
  if (known) return known;
  const dirs = (env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/bin', '/usr/local/sbin']);
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      found.set(name, candidate);
      return candidate;
    } catch (err: unknown) {
      // Not here (or not executable): keep looking; anything else is a real problem.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EACCES' && code !== 'ENOTDIR') throw err;
    }
  }
  throw new Error(`${name} not found on PATH`);
}

export function runtimeName(env: NodeJS.ProcessEnv = process.env): RuntimeName {
  return env.SKIFF_RUNTIME === 'crun' ? 'crun' : 'runc';
}

export interface OciRuntime {
  readonly name: RuntimeName;
  readonly path: string;
  /** Global flags every invocation carries (`--root`). */
  readonly globalArgs: readonly string[];
}

/** The runtime whose state lives under `runRoot` (runRootOf: a container's record names it). */
export function ociRuntime(runRoot: string, name: RuntimeName): OciRuntime {
  return { name, path: findOnPath(name), globalArgs: ['--root', runtimeStateRoot(runRoot)] };
}

/** The runtime a recorded container was made with, its state under the record's run root. */
export function recordRuntime(root: string, record: { readonly runtime: string; readonly runRoot?: string }): OciRuntime {
  return ociRuntime(runRootOf(root, record), record.runtime as RuntimeName);
}

export interface OciState { id: string; pid: number; status: 'creating' | 'created' | 'running' | 'paused' | 'stopped' }

export async function ociState(rt: OciRuntime, id: string): Promise<OciState | undefined> {
  try {
    const { stdout } = await runTool(rt.path, [...rt.globalArgs, 'state', id]);
    return JSON.parse(stdout) as OciState;
  } catch (err: unknown) {
    if (/does not exist|not found|No such file/i.test(String((err as Error).message))) return undefined;
    throw err;
  }
}

export async function ociStart(rt: OciRuntime, id: string): Promise<void> {
  await runTool(rt.path, [...rt.globalArgs, 'start', id]);
}

export async function ociKill(rt: OciRuntime, id: string, signal: string, options: { all?: boolean } = {}): Promise<void> {
  await runTool(rt.path, [...rt.globalArgs, 'kill', ...(options.all ? ['--all'] : []), id, signal]);
}

/** Deletes the runtime's state and cgroup; an unknown container is not an error. */
export async function ociDelete(rt: OciRuntime, id: string): Promise<void> {
  try {
    await runTool(rt.path, [...rt.globalArgs, 'delete', '--force', id]);
  } catch (err: unknown) {
    if (!/does not exist|not found|No such file/i.test(String((err as Error).message))) throw err;
  }
}
