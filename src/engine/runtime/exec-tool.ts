/**
 * Runs a helper program (mount, umount, runc, ip, CNI plugins) and fails with its stderr.
 * A long-running process that starts many of them (the node agent) calls useToolHelper() so
 * they are started by a busybox shell instead of a fork of this process (tool-helper.ts);
 * SKIFF_TOOL_HELPER=off keeps Node's own spawn.
 */
import { execFile } from 'node:child_process';
import { findOnPath } from './oci.js';
import { ToolHelper, type ToolOutcome, type ToolRequest } from './tool-helper.js';

export interface ToolResult { stdout: string; stderr: string }
export type { ToolOutcome, ToolRequest };

let helper: ToolHelper | undefined;

function absolutePath(file: string): string {
  if (file.includes('/')) return file;
  try {
    return findOnPath(file);
  } catch {
    return file; // not found: Node's spawn reports it
  }
}

/**
 * From now on, tools run through one busybox shell (when busybox is installed); their input
 * and output files go in a folder made under `filesDir` (default: the temp dir).
 */
export function useToolHelper(filesDir?: string): boolean {
  if (helper) return true;
  // For comparing with and without it (bench:pods).
  if (process.env.SKIFF_TOOL_HELPER === 'off') return false;
  try {
    helper = new ToolHelper(findOnPath('busybox'), filesDir);
    return true;
  } catch {
    return false; // no busybox: Node starts them itself
  }
}

/** True once useToolHelper() found busybox. */
export function toolHelperActive(): boolean {
  return helper !== undefined;
}

/** Runs the program to its end; the outcome whatever its exit code. */
export function runToolOutcome(req: ToolRequest): Promise<ToolOutcome> {
  if (helper) {
    const absolute = { ...req, file: absolutePath(req.file) };
    if (ToolHelper.fits(absolute)) return helper.run(absolute);
  }
  return new Promise((resolve, reject) => {
    const child = execFile(req.file, [...req.args], { cwd: req.cwd, encoding: 'utf8', maxBuffer: 16 << 20, ...(req.env ? { env: { ...process.env, ...req.env } } : {}) }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(err);
      else resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
    // A program that exits without reading its input must not fail the call (EPIPE).
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(req.stdin ?? '');
  });
}

export async function runTool(file: string, args: readonly string[], options: { cwd?: string } = {}): Promise<ToolResult> {
  let out: ToolOutcome;
  try {
    out = await runToolOutcome({ file, args, ...(options.cwd ? { cwd: options.cwd } : {}) });
  } catch (err: unknown) {
    throw new Error(`${file} ${args.join(' ')}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (out.code !== 0) throw new Error(`${file} ${args.join(' ')}: ${out.stderr.trim() || `exit code ${out.code}`}`);
  return { stdout: out.stdout, stderr: out.stderr };
}
