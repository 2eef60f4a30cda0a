/** Runs a helper program (mount, umount, runc) and fails with its stderr. */
import { execFile } from 'node:child_process';

export interface ToolResult { stdout: string; stderr: string }

export function runTool(file: string, args: readonly string[], options: { cwd?: string } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: options.cwd, encoding: 'utf8', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || err.message}`, { cause: err }));
      else resolve({ stdout, stderr });
    });
  });
}
