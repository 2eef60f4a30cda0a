import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cgroupRoot, parseProcCgroup, readV2, sampleProcess, statValue, workingSet } from './cgroup.js';
import { parseMeminfo, parseProcStat, sampleNode } from './node.js';
import { RateTracker, rateBetween } from './rates.js';
import { StatsCollector, podUsages, type PodContainer } from './collector.js';

test('parses /proc/PID/cgroup of a hybrid host: v1 controllers (co-mounted too) and the unified path', () => {
  const m = parseProcCgroup('12:cpu,cpuacct:/skiff/abc\n4:memory:/skiff/abc\n1:name=systemd:/\n0::/skiff/abc\n');
  assert.equal(m.get('cpuacct'), '/skiff/abc');
  assert.equal(m.get('cpu'), '/skiff/abc');
  assert.equal(m.get('memory'), '/skiff/abc');
  assert.equal(m.get(''), '/skiff/abc');
});

test('working set is usage minus inactive file, never negative', () => {
  const stat = 'cache 100\ntotal_inactive_file 4096\ninactive_file 1024\n';
  assert.equal(statValue(stat, 'total_inactive_file'), 4096);
  assert.equal(statValue(stat, 'inactive_file'), 1024);
  assert.equal(workingSet(10_000, 4096), 5904);
  assert.equal(workingSet(100, 4096), 0);
});

test('node figures: busy ticks of /proc/stat in ns, MemTotal - MemAvailable', () => {
  assert.equal(parseProcStat('cpu  100 5 20 1000 50 1 2 3 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\n'), (100 + 5 + 20 + 1 + 2 + 3) * 1e7);
  assert.equal(parseMeminfo('MemTotal:       2048 kB\nMemFree:    10 kB\nMemAvailable:   1024 kB\n'), 1024 * 1024);
});

test('rates: CPU time over elapsed time; a counter that went back gives none', () => {
  const r = rateBetween({ atNanos: 0, cpuUsageNanos: 0, memoryWorkingSetBytes: 1 }, { atNanos: 2e9, cpuUsageNanos: 1e9, memoryWorkingSetBytes: 7 });
  assert.deepEqual(r, { cpuNanoCores: 5e8, memoryWorkingSetBytes: 7, windowSeconds: 2 });
  assert.equal(rateBetween({ atNanos: 0, cpuUsageNanos: 5, memoryWorkingSetBytes: 1 }, { atNanos: 1e9, cpuUsageNanos: 1, memoryWorkingSetBytes: 1 }), undefined);
  const t = new RateTracker();
  assert.equal(t.round(new Map([['a', { atNanos: 0, cpuUsageNanos: 0, memoryWorkingSetBytes: 1 }]])).size, 0);
  assert.equal(t.round(new Map([['a', { atNanos: 1e9, cpuUsageNanos: 25e7, memoryWorkingSetBytes: 1 }]])).get('a')?.cpuNanoCores, 25e7);
});

test('a pod is reported only when every one of its containers has a rate', () => {
  const c = (id: string, pod: string, name: string): PodContainer => ({ id, pid: 1, podUid: pod, podNamespace: 'ns', podName: pod, containerName: name });
  const rate = { cpuNanoCores: 10, memoryWorkingSetBytes: 20, windowSeconds: 5 };
  const pods = podUsages([c('1', 'p', 'b'), c('2', 'p', 'a'), c('3', 'q', 'x')], new Map([['1', rate], ['2', rate]]), 'T');
  assert.deepEqual(pods.map((p) => [p.name, p.containers.map((x) => x.name)]), [['p', ['a', 'b']]]);
});

test('real cgroup v1: a busy process in its own cpuacct+memory cgroup shows its CPU use and memory', async (t) => {
  const name = `skiff-stats-test-${randomBytes(4).toString('hex')}`;
  const dirs = [join(cgroupRoot, 'cpuacct', name), join(cgroupRoot, 'memory', name)];
  for (const d of dirs) await mkdir(d);
  // The shell joins the groups first, then execs the loop: pages it touches from then on are
  // charged to the memory cgroup (v1 does not move charges of a process that joins later).
  const join1 = dirs.map((d) => `echo $$ > ${d}/cgroup.procs`).join(' && ');
  const child = spawn('sh', ['-c', `${join1} && exec sh -c 'x=$(seq 1 2000); while :; do :; done'`], { stdio: 'ignore' });
  t.after(async () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    for (const d of dirs) await rmdir(d).catch(() => undefined);
  });
  const pid = child.pid ?? 0;
  await new Promise((r) => setTimeout(r, 200));

  const collector = new StatsCollector({
    nodeName: 'n1',
    listContainers: async () => [{ id: 'c1', pid, podUid: 'u1', podNamespace: 'default', podName: 'burner', containerName: 'burn' }],
  });
  t.after(() => collector.stop());
  await collector.tick();
  assert.equal(collector.summary().pods.length, 0, 'one sample gives no rate yet');
  await new Promise((r) => setTimeout(r, 500));
  await collector.tick();
  const s = collector.summary();
  const pod = s.pods[0];
  assert.equal(pod?.name, 'burner');
  const usage = pod?.containers[0];
  assert.ok(usage && usage.cpuNanoCores > 5e7, `cpu ${usage?.cpuNanoCores}`);
  assert.ok(usage.memoryWorkingSetBytes > 0);
  assert.ok(s.node && s.node.cpuNanoCores >= usage.cpuNanoCores * 0.5, 'the machine is at least as busy');
  assert.ok(s.node.memoryWorkingSetBytes > 0);
  assert.ok(pod.windowSeconds > 0.3 && pod.windowSeconds < 5);

  // The sampler reads the group the process is in, not a fixed path.
  const direct = await sampleProcess(pid);
  assert.ok(direct && direct.cpuUsageNanos > 0);
  assert.ok((await sampleNode()).cpuUsageNanos > 0);
});

test('cgroup v2 files: cpu.stat usage_usec in ns, memory.current minus inactive_file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-cgroup-v2-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'cpu.stat'), 'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n');
  await writeFile(join(dir, 'memory.current'), '1048576\n');
  await writeFile(join(dir, 'memory.stat'), 'anon 4096\nfile 8192\ninactive_file 65536\nactive_file 100\n');
  assert.deepEqual(await readV2(dir), { cpuUsageNanos: 1_500_000, memoryWorkingSetBytes: 1048576 - 65536 });
  // Without the memory controller (this host's v2 mount has only hugetlb) there is no figure.
  await rm(join(dir, 'memory.current'));
  assert.equal(await readV2(dir), undefined);
});
