/**
 * The measuring half of bench:pods, run inside the node's network namespace (where the API
 * listens): pod startup latency from create to Running-and-ready as seen through a watch,
 * one pod at a time and for a burst on one node. Prints one JSON line.
 * Usage: node dist/bench/pods-inner.js KUBECONFIG SINGLE_COUNT BURST_COUNT [WARMUP_BURSTS]
 * WARMUP_BURSTS (default 1) bursts of the same size run before the measured one; their figures
 * are printed too (`warmupBursts`). A server just started still compiles its hot code while
 * the first burst runs: ~400 functions reach V8's optimizing compiler over the first few
 * bursts, ~1 s of compiler CPU in the first; a node that has run for a while has done that.
 * SKIFF_BENCH_TIMES=FILE also writes each pod's created/scheduled/running times (JSON lines).
 */
import { writeFileSync } from 'node:fs';
import { connect, ResourceClient, coreResources } from '../src/client/typed/index.js';
import type { KubeObject } from '../src/api/types.js';
import { percentile, round } from './_lib.js';

interface PodLike extends KubeObject { spec?: { nodeName?: string; [k: string]: unknown }; status?: { phase?: string; containerStatuses?: Array<{ ready?: boolean }> } }

const [kubeconfig = '', singleText = '20', burstText = '100', warmupText = '1'] = process.argv.slice(2);
const rest = connect(kubeconfig, 'bench-pods');
const pods = new ResourceClient<PodLike>(rest, coreResources.pods);
const created = new Map<string, number>();
const running = new Map<string, number>();
/** When the watch first showed the pod bound to a node, and its uid (for SKIFF_POD_TRACE). */
const scheduled = new Map<string, number>();
const uids = new Map<string, string>();
const deleted = new Set<string>();
const waiters: Array<() => void> = [];

const podBody = (name: string): PodLike => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { bench: 'pods' } },
  spec: { terminationGracePeriodSeconds: 2, containers: [{ name: 'web', image: 'nginx:1.14.2' }] },
});

async function watchLoop(signal: AbortSignal): Promise<void> {
  const list = await pods.list('default');
  for await (const ev of pods.watch('default', { resourceVersion: list.metadata.resourceVersion ?? '0', signal })) {
    const name = ev.object.metadata?.name ?? '';
    if (ev.type === 'DELETED') deleted.add(name);
    const p = ev.object as PodLike;
    if (!scheduled.has(name) && p.spec?.nodeName) scheduled.set(name, Date.now());
    if (p.metadata?.uid) uids.set(name, p.metadata.uid);
    if (!running.has(name) && p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).every((c) => c.ready)) running.set(name, Date.now());
    waiters.splice(0).forEach((w) => w());
  }
}

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 200); });
  }
}

const latencies = (names: string[]): number[] => names.map((n) => (running.get(n) ?? NaN) - (created.get(n) ?? NaN)).sort((a, b) => a - b);

/** Creates the pods at once, waits for all Running, deletes them; the time to all Running. */
async function runBurst(names: string[]): Promise<number> {
  const start = Date.now();
  await Promise.all(names.map(async (name) => {
    created.set(name, Date.now());
    await pods.create('default', podBody(name));
  }));
  await until(() => names.every((n) => running.has(n)), 120_000);
  const allMs = Math.max(...names.map((n) => running.get(n)!)) - start;
  await Promise.all(names.map((name) => pods.delete('default', name)));
  await until(() => names.every((n) => deleted.has(n)), 120_000);
  return allMs;
}

async function main(): Promise<void> {
  const abort = new AbortController();
  const watching = watchLoop(abort.signal).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 300));
  const singles: string[] = [];
  for (let i = 0; i < Number(singleText); i++) {
    const name = `single-${i}`;
    created.set(name, Date.now());
    await pods.create('default', podBody(name));
    await until(() => running.has(name), 30_000);
    singles.push(name);
    await pods.delete('default', name);
    await until(() => deleted.has(name), 30_000);
  }
  const warmups: Array<{ allRunningMs: number; p50Ms: number | undefined }> = [];
  for (let w = 0; w < Number(warmupText); w++) {
    const names = Array.from({ length: Number(burstText) }, (_v, i) => `warmup${w}-${i}`);
    const allMs = await runBurst(names);
    warmups.push({ allRunningMs: allMs, p50Ms: round(percentile(latencies(names), 50)) });
  }
  const burst = Array.from({ length: Number(burstText) }, (_v, i) => `burst-${i}`);
  const burstAllMs = await runBurst(burst);
  abort.abort();
  await watching;
  rest.close();
  const timesFile = process.env.SKIFF_BENCH_TIMES;
  if (timesFile) {
    const rows = [...singles, ...burst].map((n) => JSON.stringify({ name: n, uid: uids.get(n), created: created.get(n), scheduled: scheduled.get(n), running: running.get(n) }));
    writeFileSync(timesFile, `${rows.join('\n')}\n`);
  }
  const s = latencies(singles);
  const b = latencies(burst);
  process.stdout.write(`${JSON.stringify({
    single: { count: s.length, p50Ms: round(percentile(s, 50)), p99Ms: round(percentile(s, 99)), goalP99Ms: 300 },
    burst: { count: b.length, p50Ms: round(percentile(b, 50)), p99Ms: round(percentile(b, 99)), allRunningMs: burstAllMs, goalAllRunningMs: 5000 },
    warmupBursts: warmups,
  })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
