/**
 * `npm run bench:api`: the API server's create/get/list throughput and latency at a fixed
 * request rate, start-to-ready time and idle RSS. Goals (issue 2): create p99 < 10 ms at
 * 200 creates/s, ready < 1 s, idle RSS < 100 MB. The last line is one JSON object of figures.
 *
 * Creates are open-loop: request i is sent at t0 + i/rate whether or not earlier ones have
 * answered, so a slow server shows up as latency rather than as a lower request rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientFromKubeconfig, cpuMs, type KubeHttp, median, percentile, round, rssMiB, sleep, startSkiffServer } from './_lib.js';

const RATE = Number(process.env.BENCH_CREATE_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const READY_RUNS = 5;

async function readyTimes(): Promise<{ coldMs: number; warmMs: number }> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < READY_RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-ready-'));
    try {
      const first = await startSkiffServer(dir); // fresh data dir: generates the PKI
      cold.push(first.readyMs);
      await first.stop();
      const second = await startSkiffServer(dir); // existing data dir: the usual restart
      warm.push(second.readyMs);
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { coldMs: median(cold), warmMs: median(warm) };
}

/**
 * The server's event-loop delay (perf_hooks.monitorEventLoopDelay, through prom-client's
 * default metrics) since the previous scrape: prom-client resets the histogram on each one.
 */
async function eventLoopLag(http: KubeHttp): Promise<{ p99Ms: number; maxMs: number }> {
  const text = (await http.request('GET', '/metrics')).body;
  const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99Ms: value('nodejs_eventloop_lag_p99_seconds'), maxMs: value('nodejs_eventloop_lag_max_seconds') };
}

async function main(): Promise<void> {
  const ready = await readyTimes();
  console.log(`server start-to-ready: ${round(ready.warmMs, 0)} ms (existing data dir), ${round(ready.coldMs, 0)} ms (first start, makes certificates); median of ${READY_RUNS}`);

  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-api-'));
  const server = await startSkiffServer(dir);
  const http = clientFromKubeconfig(server.kubeconfigPath);
  try {
    await sleep(2000);
    const idleRss = rssMiB(server.pid);
    console.log(`idle RSS: ${round(idleRss, 1)} MiB`);

    // Warm the connection pool and the code paths.
    for (let i = 0; i < 50; i++) await http.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `warm-${i}` }, data: { k: 'v' } });

    const total = RATE * SECONDS;
    const latencies: number[] = [];
    await eventLoopLag(http); // resets the server's event-loop delay histogram
    const cpuBefore = cpuMs(server.pid);
    let failures = 0;
    const t0 = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      inflight.push((async () => {
        const start = performance.now();
        const res = await http.request('POST', '/api/v1/namespaces/default/configmaps', {
          apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, labels: { bench: 'api', shard: String(i % 10) } }, data: { index: String(i), payload: 'x'.repeat(256) },
        });
        latencies.push(performance.now() - start);
        if (res.status !== 201) failures++;
      })());
    }
    await Promise.all(inflight);
    const createElapsed = (performance.now() - t0) / 1000;
    const createCpuMs = (cpuMs(server.pid) - cpuBefore) / total;
    const lag = await eventLoopLag(http);
    latencies.sort((a, b) => a - b);
    const create = { rate: total / createElapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1)! };
    console.log(`create: ${total} ConfigMaps at ${RATE}/s offered, ${round(create.rate, 0)}/s achieved, p50 ${round(create.p50)} ms, p99 ${round(create.p99)} ms, max ${round(create.max)} ms, ${failures} failed; server CPU ${round(createCpuMs)} ms per create; server event-loop delay p99 ${round(lag.p99Ms)} ms, max ${round(lag.maxMs)} ms`);

    // Gets: closed loop, 8 in flight, for 3 s.
    const getLat: number[] = [];
    const getCpuBefore = cpuMs(server.pid);
    const getEnd = performance.now() + 3000;
    await Promise.all(Array.from({ length: 8 }, async (_, w) => {
      let i = w;
      while (performance.now() < getEnd) {
        const s = performance.now();
        const r = await http.request('GET', `/api/v1/namespaces/default/configmaps/cm-${i % total}`);
        if (r.status !== 200) failures++;
        getLat.push(performance.now() - s);
        i += 8;
      }
    }));
    const getCpuMs = (cpuMs(server.pid) - getCpuBefore) / Math.max(1, getLat.length);
    getLat.sort((a, b) => a - b);
    const getsPerS = getLat.length / 3;
    console.log(`get: ${round(getsPerS, 0)}/s with 8 in flight, p50 ${round(percentile(getLat, 50))} ms, p99 ${round(percentile(getLat, 99))} ms; server CPU ${round(getCpuMs, 3)} ms per get`);

    // Lists: a labelled tenth of the objects (200 items), then the whole namespace.
    const listLat: number[] = [];
    const listEnd = performance.now() + 3000;
    while (performance.now() < listEnd) {
      const s = performance.now();
      const r = await http.request('GET', '/api/v1/namespaces/default/configmaps?labelSelector=shard%3D3');
      if (r.status !== 200) failures++;
      listLat.push(performance.now() - s);
    }
    listLat.sort((a, b) => a - b);
    const fullStart = performance.now();
    const full = await http.request('GET', '/api/v1/namespaces/default/configmaps');
    const fullMs = performance.now() - fullStart;
    const fullCount = (JSON.parse(full.body) as { items: unknown[] }).items.length;
    console.log(`list: ${round(listLat.length / 3, 0)}/s of ${total / 10}-item selector lists, p50 ${round(percentile(listLat, 50))} ms; full list of ${fullCount} in ${round(fullMs)} ms`);
    const rssAfter = rssMiB(server.pid);

    const goals = { create_p99_ms: 10, ready_ms: 1000, idle_rss_mb: 100 };
    // The goal is in MB (10^6 bytes); RSS is read in MiB.
    const idleRssMB = (idleRss * 1048576) / 1e6;
    console.log(`goals: create p99 ${round(create.p99)}/${goals.create_p99_ms} ms, ready ${round(ready.warmMs, 0)}/${goals.ready_ms} ms, idle RSS ${round(idleRssMB, 1)}/${goals.idle_rss_mb} MB (${round(idleRss, 1)} MiB)`);
    console.log(JSON.stringify({
      bench: 'api',
      create_rate_offered_per_s: RATE,
      create_per_s: round(create.rate, 1),
      create_p50_ms: round(create.p50), create_p99_ms: round(create.p99), create_max_ms: round(create.max), create_server_cpu_ms: round(createCpuMs, 3), create_loop_delay_p99_ms: round(lag.p99Ms), create_loop_delay_max_ms: round(lag.maxMs),
      get_per_s: round(getsPerS, 0), get_p50_ms: round(percentile(getLat, 50)), get_p99_ms: round(percentile(getLat, 99)), get_server_cpu_ms: round(getCpuMs, 3),
      list_200_per_s: round(listLat.length / 3, 1), list_200_p50_ms: round(percentile(listLat, 50)), list_all_ms: round(fullMs), list_all_items: fullCount,
      ready_ms: round(ready.warmMs, 0), ready_first_start_ms: round(ready.coldMs, 0),
      idle_rss_mib: round(idleRss, 1), idle_rss_mb: round(idleRssMB, 1), rss_after_load_mib: round(rssAfter, 1),
      failures, load_average_1m: round(loadavg()[0] ?? NaN),
      create_p99_vs_goal: round(create.p99 / goals.create_p99_ms), ready_vs_goal: round(ready.warmMs / goals.ready_ms), idle_rss_vs_goal: round(idleRssMB / goals.idle_rss_mb),
    }));
  } finally {
    http.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => { console.error(err); process.exit(1); });
