/**
 * `npm run bench:scheduler`: the shape of upstream scheduler_perf SchedulingBasic. A
 * `skiff server` (scheduler in-process, controllers off) gets 5000 hollow nodes (4 cpu,
 * 32Gi, 110 pods; no kubelet work, as scheduler_perf has none); 1000 pods are placed first,
 * then 10000 pods are created as fast as the server accepts them and measured:
 * throughput (pods bound per second from the first create to the last binding), per-pod
 * latency from the create request to the binding seen on a watch (p50/p99), and the
 * server's peak RSS. Pods are upstream's pod-default: 100m cpu and 500Mi memory requests.
 * For comparison it first times the scheduling cycle alone (no API; bench/scheduler-cycle.ts).
 *
 * Knobs: BENCH_NODES, BENCH_INIT_PODS, BENCH_PODS, BENCH_CREATE_CONCURRENCY, and
 * BENCH_PROFILE=DIR to write a V8 CPU profile of the server (--cpu-prof) into DIR.
 * The last line is one JSON object of figures with units in the names.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, round, startSkiffServer } from './_lib.js';
import { connect, ResourceClient, coreResources } from '../src/client/typed/index.js';
import type { RestClient } from '../src/client/rest.js';
import { Informer, listWatchFor } from '../src/client/informers/index.js';
import { HollowNodes } from '../src/simulator/index.js';
import type { KubeObject } from '../src/api/types.js';
import { measureCycle } from './scheduler-cycle.js';

const NODES = Number(process.env.BENCH_NODES ?? 5000);
const INIT_PODS = Number(process.env.BENCH_INIT_PODS ?? 1000);
const PODS = Number(process.env.BENCH_PODS ?? 10000);
const CONCURRENCY = Number(process.env.BENCH_CREATE_CONCURRENCY ?? 64);
const PROFILE_DIR = process.env.BENCH_PROFILE;

function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number, tid?: number): number {
  const fields = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function benchPod(name: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } }] },
  };
}

/**
 * Creates the pods CONCURRENCY at a time. Only the status is read: decoding each created
 * pod (which the bench does not use) would spend the bench's CPU, on the same 2 cores.
 */
async function createAll(rest: RestClient, pods: ResourceClient, names: readonly string[], sent: Map<string, number>): Promise<void> {
  let next = 0;
  const path = pods.path('default');
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++] as string;
      sent.set(name, performance.now());
      const res = await rest.raw({ method: 'POST', path, body: benchPod(name) });
      if (res.status !== 201) throw new Error(`creating pod ${name}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function main(): Promise<void> {
  const cycle = measureCycle(NODES, INIT_PODS, PODS);
  console.log(`scheduling cycle alone (no API): ${round(cycle.podsPerSecond, 0)} pods/s, ${round(cycle.perPodUs, 0)} µs per pod`);
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-sched-'));
  // bin/skiff as users start it (through node explicitly only to profile).
  const server = await startSkiffServer(dir, {
    nodeArgs: PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [], serverArgs: ['--no-controllers'],
    env: { ...process.env, SKIFF_LOG_LEVEL: 'warn' }, killAfterMs: 10_000,
  });
  const rest = connect(server.kubeconfigPath, 'bench-scheduler');
  const podsClient = new ResourceClient(rest, coreResources.pods);
  const bound = new Map<string, number>();
  // Only bound pods reach the bench (a pod enters the selection as ADDED when it is bound),
  // so the bench decodes one event per pod, not two.
  const watcher = new Informer<KubeObject>(listWatchFor(podsClient, { fieldSelector: 'spec.nodeName!=' }));
  const waiters: Array<() => void> = [];
  let waitingFor = new Set<string>();
  const seeBound = (p: KubeObject): void => {
    const name = p.metadata?.name ?? '';
    if ((p.spec as { nodeName?: string } | undefined)?.nodeName && !bound.has(name)) {
      bound.set(name, performance.now());
      if (waitingFor.delete(name) && waitingFor.size === 0) for (const w of waiters.splice(0)) w();
    }
  };
  watcher.addEventHandler({ onAdd: seeBound, onUpdate: (_o, p) => seeBound(p) });
  // Counts, rather than checking every name on every binding (that was O(pods²) of the
  // bench's own CPU, ~1.9 s of it for 10000 pods, on the cores the server needs).
  const waitBound = async (names: readonly string[], timeoutMs: number): Promise<void> => {
    const until = Date.now() + timeoutMs;
    waitingFor = new Set(names.filter((n) => !bound.has(n)));
    while (waitingFor.size > 0) {
      if (Date.now() > until) throw new Error(`only ${names.length - waitingFor.size}/${names.length} pods bound in ${timeoutMs} ms`);
      await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 200); });
    }
  };
  let hollow: HollowNodes | undefined;
  try {
    watcher.start();
    await watcher.waitForSync();
    let t = performance.now();
    hollow = new HollowNodes(rest, { count: NODES, capacity: { cpu: '4', memory: '32Gi', pods: '110' }, runPods: false, leaseIntervalMs: 0, concurrency: 32 });
    await hollow.start();
    const registerS = (performance.now() - t) / 1000;
    console.log(`registered ${NODES} hollow nodes in ${round(registerS, 1)} s`);

    const initNames = Array.from({ length: INIT_PODS }, (_, i) => `init-${i}`);
    t = performance.now();
    await createAll(rest, podsClient, initNames, new Map());
    await waitBound(initNames, 300_000);
    console.log(`placed ${INIT_PODS} initial pods in ${round((performance.now() - t) / 1000, 1)} s`);

    const names = Array.from({ length: PODS }, (_, i) => `pod-${i}`);
    const sent = new Map<string, number>();
    const cpu0 = cpuSeconds(server.pid);
    // The server's main thread (its thread id is its pid) runs the API: what bounds throughput.
    const mainCpu0 = cpuSeconds(server.pid, server.pid);
    const benchCpu0 = process.cpuUsage();
    const t0 = performance.now();
    await createAll(rest, podsClient, names, sent);
    const createdAt = performance.now();
    await waitBound(names, 600_000);
    const last = Math.max(...names.map((n) => bound.get(n) as number));
    const seconds = (last - t0) / 1000;
    const latencies = names.map((n) => (bound.get(n) as number) - (sent.get(n) as number)).sort((a, b) => a - b);
    const throughput = PODS / seconds;
    const createRate = PODS / ((createdAt - t0) / 1000);
    const rss = peakRssMiB(server.pid);
    // CPU per pod is steadier than wall time on a shared machine: it is what each pod costs.
    const serverCpuMsPerPod = ((cpuSeconds(server.pid) - cpu0) * 1000) / PODS;
    const mainThreadCpuMsPerPod = ((cpuSeconds(server.pid, server.pid) - mainCpu0) * 1000) / PODS;
    const benchCpu = process.cpuUsage(benchCpu0);
    const benchCpuMsPerPod = (benchCpu.user + benchCpu.system) / 1000 / PODS;
    console.log(`server CPU ${round(serverCpuMsPerPod, 2)} ms per pod (main thread ${round(mainThreadCpuMsPerPod, 2)}), bench client CPU ${round(benchCpuMsPerPod, 2)} ms per pod`);
    console.log(`measured ${PODS} pods on ${NODES} nodes: ${round(throughput, 0)} pods/s (creates accepted at ${round(createRate, 0)}/s), latency p50 ${round(percentile(latencies, 50), 1)} ms, p99 ${round(percentile(latencies, 99), 1)} ms; server peak RSS ${round(rss, 0)} MiB`);
    console.log(JSON.stringify({
      bench: 'scheduler', nodes: NODES, initPods: INIT_PODS, measuredPods: PODS,
      throughput_pods_per_s: round(throughput, 1), create_rate_pods_per_s: round(createRate, 1),
      latency_p50_ms: round(percentile(latencies, 50), 1), latency_p99_ms: round(percentile(latencies, 99), 1),
      server_peak_rss_mib: round(rss, 0), cycle_only_pods_per_s: round(cycle.podsPerSecond, 0), node_registration_s: round(registerS, 1), total_s: round(seconds, 2),
      server_cpu_ms_per_pod: round(serverCpuMsPerPod, 3), server_main_thread_cpu_ms_per_pod: round(mainThreadCpuMsPerPod, 3), bench_client_cpu_ms_per_pod: round(benchCpuMsPerPod, 3),
    }));
  } finally {
    await hollow?.stop();
    await watcher.stop();
    rest.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
