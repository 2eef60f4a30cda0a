/**
 * bench:pods — pod startup latency on a real node agent: a fresh `skiff server` (agent in
 * process) inside a test network namespace, nginx:1.14.2 (busybox httpd) already in the
 * image store. Reports create -> Running (seen through a watch) p50/p99 one pod at a time
 * and for a burst of 100 pods on one node, the server's (API + agent) peak RSS, and the CPU
 * time the server and every process it started used over the measuring (a cpuacct cgroup of
 * the bench's own: a figure that a busy shared machine distorts less than latency).
 * Goals: single p99 < 300 ms; the whole burst Running within 5 s.
 * The engine's run root is on a tmpfs (/dev/shm), as /run is on a normal node (this VM's is not).
 * Env: SKIFF_BENCH_SINGLE (default 20), SKIFF_BENCH_BURST (default 100), SKIFF_BENCH_WARMUP_BURSTS
 * (default 1: bursts before the measured one, reported as `warmupBursts`), SKIFF_RUNTIME.
 */
import { readdir, readFile, rmdir, writeFile, mkdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { repoRoot } from './_lib.js';
import { startNodeServer } from '../test/e2e/kubelet-fixture.js';
import { runtimeName } from '../src/engine/runtime/index.js';

async function peakRssMiB(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  // The server runs under nsenter: its node process is nsenter's child (exec'd in place).
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return m ? Math.round(Number(m[1]) / 1024) : undefined;
}

/** The process and all its descendants (children of every thread). */
async function processTree(pid: number): Promise<number[]> {
  const out = [pid];
  for (const task of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    const children = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
    for (const c of children.split(' ').filter(Boolean)) out.push(...await processTree(Number(c)));
  }
  return out;
}

/** A cpuacct cgroup holding the server and what it starts; removed by close(). */
async function cpuAccount(pid: number): Promise<{ usedMs(): Promise<number>; close(): Promise<void> }> {
  const root = '/sys/fs/cgroup/cpuacct';
  const dir = `${root}/skiff-bench-pods-${randomBytes(4).toString('hex')}`;
  await mkdir(dir);
  const moveAll = async (from: number[], to: string): Promise<void> => {
    // One pid per write (the kernel takes one at a time); a process already gone is fine.
    for (const p of from) await writeFile(`${to}/cgroup.procs`, String(p)).catch(() => undefined);
  };
  await moveAll(await processTree(pid), dir);
  const start = Number(await readFile(`${dir}/cpuacct.usage`, 'utf8'));
  return {
    usedMs: async () => Math.round((Number(await readFile(`${dir}/cpuacct.usage`, 'utf8')) - start) / 1e6),
    async close() {
      for (let i = 0; i < 20; i++) {
        const left = (await readFile(`${dir}/cgroup.procs`, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
        await moveAll(left, root);
        if (await rmdir(dir).then(() => true, () => false)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** CPU time (user + system, ms) of the process itself, its threads included, not its children. */
async function ownCpuMs(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks * 10 : undefined;
}

async function main(): Promise<void> {
  const s = await startNodeServer();
  let cpu: Awaited<ReturnType<typeof cpuAccount>> | undefined;
  try {
    const pid = s.serverPid();
    cpu = pid ? await cpuAccount(pid) : undefined;
    const ownBefore = await ownCpuMs(pid);
    const r = await s.inNetns(process.execPath, [join(repoRoot, 'dist/bench/pods-inner.js'), join(s.dataDir, 'kubeconfig.yaml'), process.env.SKIFF_BENCH_SINGLE ?? '20', process.env.SKIFF_BENCH_BURST ?? '100', process.env.SKIFF_BENCH_WARMUP_BURSTS ?? '1'], { timeoutMs: 600_000 });
    if (r.code !== 0) throw new Error(`measuring failed: ${r.stderr}`);
    const figures = JSON.parse(r.stdout) as Record<string, unknown>;
    const singles = (figures.single as { count?: number } | undefined)?.count ?? 0;
    const burst = (figures.burst as { count?: number } | undefined)?.count ?? 0;
    const warmupPods = ((figures.warmupBursts as unknown[] | undefined)?.length ?? 0) * burst;
    const serverCpuMs = await cpu?.usedMs();
    const ownAfter = await ownCpuMs(pid);
    // The server's own threads (API, scheduler, controllers, agent): the rest of serverCpuMs
    // is the programs it started (runc, conmon, CNI plugins, ip, the busybox helper).
    const serverOwnCpuMs = ownBefore !== undefined && ownAfter !== undefined ? ownAfter - ownBefore : undefined;
    process.stdout.write(`${JSON.stringify({
      bench: 'pods', ...figures, serverPeakRssMiB: await peakRssMiB(s.serverPid()),
      // The agent's OCI runtime: runc, or crun with SKIFF_RUNTIME=crun.
      agentRuntime: runtimeName(),
      // Start and delete of every pod, API and agent and the programs they ran, per pod.
      ...(serverCpuMs !== undefined ? { serverCpuMs, serverCpuMsPerPod: Math.round(serverCpuMs / Math.max(1, singles + warmupPods + burst)) } : {}),
      ...(serverOwnCpuMs !== undefined ? { serverOwnCpuMs } : {}),
    })}\n`);
  } finally {
    await s.stop();
    await cpu?.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
