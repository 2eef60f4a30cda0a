/**
 * Runs a helper program (mount, umount, runc, ip, CNI plugins) and fails with its stderr.
 * A long-running process that starts many of them (the node agent) calls useToolHelper() so
 * they are started by a busybox shell instead of a fork of this process (tool-helper.ts).
 */
import { execFile } from 'node:child_process';
import { findOnPath } from './oci.js';
import { ToolHelper, type ToolOutcome, type ToolRequest } from './tool-helper.js';

export interface ToolResult { stdout: string; stderr: string }
export type { ToolOutcome, ToolRequest };

let helper: ToolHelper | undefined;

/** From now on, tools run through one busybox shell (when busybox is installed). */
export function useToolHelper(): boolean {
  if (helper) return true;
  try {
    helper = new ToolHelper(findOnPath('busybox'));
    return true;
  } catch {
    return false; // no busybox: Node starts them itself
  }
}

/** Runs the program to its end; the outcome whatever its exit code. */
export function runToolOutcome(req: ToolRequest): Promise<ToolOutcome> {
  if (helper && ToolHelper.fits(req)) return helper.run(req);
  return new Promise((resolve, reject) => {
    const child = execFile(req.file, [...req.args], { cwd: req.cwd, encoding: 'utf8', maxBuffer: 16 << 20, ...(req.env ? { env: { ...process.env, ...req.env } } : {}) }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(err);
      else resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
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
