/**
 * `npm run bench:churn`: the controllers, scheduler and API server under a burst of
 * workload. `skiff server --simulate-nodes 1000` (controllers on, no agent) gets 300
 * Deployments x 100 replicas created as fast as the server accepts them; the controllers
 * create the ReplicaSets and 30000 pods, the scheduler binds them and the hollow nodes move
 * them to Running. Reported: the time from the first Deployment create until every pod is
 * Running (seen on a watch from this process), pods/s over that time, and the server's
 * peak RSS (VmHWM; the hollow nodes run inside the server, as with --simulate-nodes), and
 * the server's CPU time per pod (user + system, so a busy shared machine can still be
 * compared: pods per server CPU second is what one dedicated core would sustain).
 *
 * Knobs: BENCH_NODES (1000), BENCH_DEPLOYMENTS (300), BENCH_REPLICAS (100),
 * BENCH_CREATE_CONCURRENCY (16), BENCH_TIMEOUT_S (1800), BENCH_PROFILE=DIR (server CPU
 * profile via --cpu-prof). The last line is one JSON object with units in the names.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { round, startSkiffServer } from './_lib.js';
import { connect, ResourceClient, coreResources } from '../src/client/typed/index.js';
import { Informer, listWatchFor } from '../src/client/informers/index.js';
import type { KubeObject } from '../src/api/types.js';

const NODES = Number(process.env.BENCH_NODES ?? 1000);
const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 300);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CREATE_CONCURRENCY ?? 16);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 1800);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const PODS = DEPLOYMENTS * REPLICAS;

const deploymentsResource = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true } as const;

function deployment(i: number): KubeObject {
  const name = `churn-${i}`;
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, bench: 'churn' } },
        spec: {
          containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
          // Upstream's DefaultTolerationSeconds (300 s) rather than skiff's 20 s: a hollow node
          // whose heartbeats lag under this load is tainted, and its pods must not churn.
          tolerations: ['not-ready', 'unreachable'].map((t) => ({ key: `node.kubernetes.io/${t}`, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 })),
        },
      },
    },
  };
}

function status(pid: number, field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The server's request counters by verb and resource, largest first (where the writes come from). */
async function requestCounts(rest: ReturnType<typeof connect>): Promise<string> {
  const res = await rest.raw({ path: '/metrics' });
  const counts = new Map<string, number>();
  for (const m of res.body.matchAll(/^apiserver_request_total\{([^}]*)\} (\d+)/gm)) {
    const labels = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const key = `${labels['verb'] ?? '?'} ${labels['resource'] ?? '?'}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(m[2]));
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k}: ${v}`).join(', ');
}

/** CPU seconds (user + system) the process has used so far, from /proc/PID/stat (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-churn-'));
  const server = await startSkiffServer(dir, {
    nodeArgs: PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [], serverArgs: ['--simulate-nodes', String(NODES)],
    env: { ...process.env, SKIFF_LOG_LEVEL: process.env.SKIFF_LOG_LEVEL ?? 'warn' }, killAfterMs: 15_000,
    ...(process.env.BENCH_SERVER_STDERR ? { onStderr: (d: Buffer) => { process.stderr.write(d); } } : {}),
  });
  // Interrupted: stop the server (and its hollow nodes) and remove its data before leaving.
  const interrupt = (): void => { void server.stop().finally(() => { rmSync(dir, { recursive: true, force: true }); process.exit(130); }); };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const rest = connect(server.kubeconfigPath, 'bench-churn');
  const podsClient = new ResourceClient(rest, coreResources.pods);
  const nodesClient = new ResourceClient(rest, coreResources.nodes);
  const deployments = new ResourceClient(rest, deploymentsResource);
  const running = new Set<string>();
  const seen = new Set<string>();
  let firstRunningAt = 0;
  const watcher = new Informer<KubeObject>(listWatchFor(podsClient));
  const observe = (p: KubeObject): void => {
    const name = p.metadata?.name ?? '';
    seen.add(name);
    if ((p.status as { phase?: string } | undefined)?.phase === 'Running' && !running.has(name)) {
      if (running.size === 0) firstRunningAt = performance.now();
      running.add(name);
    }
  };
  watcher.addEventHandler({ onAdd: observe, onUpdate: (_o, p) => observe(p), onDelete: (p) => { running.delete(p.metadata?.name ?? ''); } });
  const started = performance.now();
  try {
    // The server registers its hollow nodes after its ready line: wait for all of them.
    for (;;) {
      const n = (await nodesClient.list(undefined)).items.length;
      if (n >= NODES) break;
      if (performance.now() - started > 300_000) throw new Error(`only ${n}/${NODES} nodes registered`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const nodesReadyS = (performance.now() - started) / 1000;
    console.log(`${NODES} hollow nodes registered ${round(nodesReadyS, 1)} s after start; server RSS ${round(status(server.pid, 'VmRSS'), 0)} MiB; load ${loadAverage()}`);
    watcher.start();
    await watcher.waitForSync();

    const t0 = performance.now();
    const cpu0 = cpuSeconds(server.pid);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < DEPLOYMENTS) await deployments.create('default', deployment(next++));
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const createdS = (performance.now() - t0) / 1000;
    console.log(`${DEPLOYMENTS} Deployments x ${REPLICAS} replicas created in ${round(createdS, 2)} s`);

    let lastReport = performance.now();
    while (running.size < PODS) {
      const elapsed = (performance.now() - t0) / 1000;
      if (server.exited()) throw new Error(`the server exited with ${running.size}/${PODS} pods Running`);
      if (elapsed > TIMEOUT_S) throw new Error(`only ${running.size}/${PODS} pods Running (${seen.size} exist) after ${TIMEOUT_S} s`);
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        console.log(`  ${round(elapsed, 0)} s: ${seen.size} pods exist, ${running.size} Running; server RSS ${round(status(server.pid, 'VmRSS'), 0)} MiB; load ${loadAverage()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const allRunningS = (performance.now() - t0) / 1000;
    const serverCpuS = cpuSeconds(server.pid) - cpu0;
    const rss = status(server.pid, 'VmHWM');
    const load = loadAverage();
    console.log(`${PODS} pods Running ${round(allRunningS, 1)} s after the first create (first Running at ${round((firstRunningAt - t0) / 1000, 2)} s): ${round(PODS / allRunningS, 0)} pods/s; server peak RSS ${round(rss, 0)} MiB; load ${load}`);
    console.log(`server CPU ${round(serverCpuS, 1)} s over the run (${round(serverCpuS / allRunningS * 100, 0)}% of one core): ${round(serverCpuS * 1000 / PODS, 2)} ms per pod, i.e. ${round(PODS / serverCpuS, 0)} pods per server CPU second`);
    console.log(`API requests during the run (verb resource: count): ${await requestCounts(rest)}`);
    console.log(JSON.stringify({
      bench: 'churn', nodes: NODES, deployments: DEPLOYMENTS, replicas: REPLICAS, pods: PODS,
      all_running_s: round(allRunningS, 2), pods_per_s: round(PODS / allRunningS, 1),
      deployments_created_s: round(createdS, 2), first_running_s: round((firstRunningAt - t0) / 1000, 2),
      server_cpu_s: round(serverCpuS, 1), server_cpu_ms_per_pod: round(serverCpuS * 1000 / PODS, 2), pods_per_server_cpu_s: round(PODS / serverCpuS, 1),
      node_registration_s: round(nodesReadyS, 1), server_peak_rss_mib: round(rss, 0), load_average: load,
    }));
  } finally {
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
