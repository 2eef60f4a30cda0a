/** Runs a helper program (mknod, setfattr, getfattr) and fails with its stderr. */
import { execFile } from 'node:child_process';

export function runTool(file: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || err.message}`, { cause: err }));
      else resolve(stdout);
    });
  });
}
