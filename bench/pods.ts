/**
 * bench:pods — pod startup latency on a real node agent: a fresh `skiff server` (agent in
 * process) inside a test network namespace, nginx:1.14.2 (busybox httpd) already in the
 * image store. Reports create -> Running (seen through a watch) p50/p99 one pod at a time
 * and for a burst of 100 pods on one node, and the server's (API + agent) peak RSS.
 * Goals: single p99 < 300 ms; the whole burst Running within 5 s.
 * Env: SKIFF_BENCH_SINGLE (default 20), SKIFF_BENCH_BURST (default 100).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from './_lib.js';
import { startNodeServer } from '../test/e2e/kubelet-fixture.js';

async function peakRssMiB(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  // The server runs under nsenter: its node process is nsenter's child (exec'd in place).
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return m ? Math.round(Number(m[1]) / 1024) : undefined;
}

async function main(): Promise<void> {
  const s = await startNodeServer();
  try {
    const r = await s.inNetns(process.execPath, [join(repoRoot, 'dist/bench/pods-inner.js'), join(s.dataDir, 'kubeconfig.yaml'), process.env.SKIFF_BENCH_SINGLE ?? '20', process.env.SKIFF_BENCH_BURST ?? '100'], { timeoutMs: 600_000 });
    if (r.code !== 0) throw new Error(`measuring failed: ${r.stderr}`);
    const figures = JSON.parse(r.stdout) as Record<string, unknown>;
    process.stdout.write(`${JSON.stringify({ bench: 'pods', ...figures, serverPeakRssMiB: await peakRssMiB(s.serverPid()) })}\n`);
  } finally {
    await s.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
