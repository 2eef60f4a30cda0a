/**
 * Runs `nft -f -` with a ruleset on stdin, optionally inside a named network namespace
 * (`ip netns exec NS nft -f -`), so one transaction is applied atomically or not at all.
 */
import { spawn } from 'node:child_process';

export interface NftTarget {
  /** Named network namespace (as `ip netns` knows it) to program; default: this process's. */
  netns?: string;
  /** nft binary; default `nft` on PATH. */
  nftPath?: string;
}

export function runNft(target: NftTarget, text: string, args: string[] = ['-f', '-']): Promise<string> {
  const nft = target.nftPath ?? 'nft';
  const [cmd, argv] = target.netns ? ['ip', ['netns', 'exec', target.netns, nft, ...args]] as const : [nft, args] as const;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => reject(new Error(`cannot run ${cmd}`, { cause: e })));
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`nft ${args.join(' ')} failed (exit ${code}): ${err.trim()}`));
    });
    // If nft exits before reading all of stdin, the exit code and stderr tell why; the pipe error adds nothing.
    child.stdin.on('error', (e: NodeJS.ErrnoException) => { if (e.code !== 'EPIPE') err += `stdin: ${e.message}`; });
    child.stdin.end(text);
  });
}

/** Applies a ruleset text in one transaction. */
export async function applyRuleset(target: NftTarget, text: string): Promise<void> {
  await runNft(target, text);
}

/** `nft list table ip NAME`, for tests and debugging. */
export function listTable(target: NftTarget, table: string): Promise<string> {
  return runNft(target, '', ['list', 'table', 'ip', table]);
}
