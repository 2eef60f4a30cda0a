import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSpec, defaultCapabilities } from './spec.js';
import type { SpecInput } from './spec.js';
import { defaultSeccompProfile } from './seccomp.js';

const base: SpecInput = {
  rootfsPath: '/r/rootfs', args: ['sh'], env: ['PATH=/bin'], cwd: '/', uid: 0, gid: 0, additionalGids: [],
  hostname: 'h', tty: false, network: { kind: 'none' }, volumes: [],
  etcFiles: { hosts: '/r/hosts', hostname: '/r/hostname', resolvConf: '/r/resolv.conf' },
  memory: 0, cpus: 0, nofileHardLimit: 20000, cgroupsPath: '/skiff/x',
};

test('spec: Docker default confinement', () => {
  const spec = buildSpec(base);
  assert.deepEqual(spec.process.capabilities.bounding, defaultCapabilities);
  assert.equal(spec.process.capabilities.bounding.includes('CAP_SYS_ADMIN'), false);
  assert.equal(spec.process.noNewPrivileges, false, 'off unless asked, as in Docker');
  assert.ok(spec.linux.maskedPaths.includes('/proc/kcore'));
  assert.ok(spec.linux.readonlyPaths.includes('/proc/sys'));
  const blocked = (spec.linux.seccomp?.syscalls ?? []).flatMap((s) => s.names);
  for (const name of ['mount', 'ptrace', 'kexec_load', 'unshare', 'bpf']) assert.ok(blocked.includes(name), name);
  for (const name of ['read', 'write', 'clone', 'execve']) assert.equal(blocked.includes(name), false, name);
  assert.deepEqual(spec.mounts.map((m) => m.destination).slice(0, 6), ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys']);
});

test('spec: seccomp is the default profile, none (unconfined or privileged), or the one given', () => {
  assert.deepEqual(buildSpec(base).linux.seccomp, defaultSeccompProfile());
  assert.equal(buildSpec({ ...base, security: { seccomp: 'unconfined' } }).linux.seccomp, undefined);
  const own = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] };
  assert.deepEqual(buildSpec({ ...base, security: { seccomp: own } }).linux.seccomp, own);
  assert.equal(buildSpec({ ...base, security: { seccomp: own, privileged: true } }).linux.seccomp, undefined);
});

test('spec: cpu.shares and oom_score_adj only when given', () => {
  assert.equal(buildSpec(base).process.oomScoreAdj, undefined);
  assert.equal(buildSpec(base).linux.resources.cpu, undefined);
  const weighted = buildSpec({ ...base, cpus: 0.5, cpuShares: 512, oomScoreAdj: 999 });
  assert.deepEqual(weighted.linux.resources.cpu, { quota: 50_000, period: 100_000, shares: 512 });
  assert.equal(weighted.process.oomScoreAdj, 999);
});

test('spec: rlimits never above the caller hard limit', () => {
  assert.deepEqual(buildSpec(base).process.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 20000, soft: 20000 }]);
  assert.equal(buildSpec({ ...base, nofileHardLimit: 1 << 30 }).process.rlimits[0]!.hard, 1_048_576);
});

test('spec: namespaces follow the network mode', () => {
  const types = (s: ReturnType<typeof buildSpec>): string[] => s.linux.namespaces.map((n) => n.type);
  assert.deepEqual(types(buildSpec(base)).sort(), ['ipc', 'mount', 'network', 'pid', 'uts']);
  assert.equal(types(buildSpec({ ...base, network: { kind: 'host' } })).includes('network'), false);
  const joined = buildSpec({ ...base, network: { kind: 'path', path: '/run/netns/p' } });
  assert.deepEqual(joined.linux.namespaces.find((n) => n.type === 'network'), { type: 'network', path: '/run/netns/p' });
});

test('spec: memory without swap, cpus as CFS quota, volumes and /etc binds', () => {
  const spec = buildSpec({ ...base, memory: 64 << 20, cpus: 0.5, volumes: [{ source: '/h', destination: '/data', readOnly: true }, { source: '/x', destination: '/etc/hosts', readOnly: false }] });
  assert.deepEqual(spec.linux.resources.memory, { limit: 64 << 20, swap: 64 << 20, swappiness: 0 });
  assert.deepEqual(spec.linux.resources.cpu, { quota: 50_000, period: 100_000 });
  const data = spec.mounts.find((m) => m.destination === '/data');
  assert.deepEqual(data?.options, ['rbind', 'ro', 'rprivate']);
  const hosts = spec.mounts.filter((m) => m.destination === '/etc/hosts');
  assert.deepEqual(hosts.map((m) => m.source), ['/x'], 'a volume over /etc/hosts replaces the default');
  assert.ok(spec.mounts.some((m) => m.destination === '/etc/resolv.conf' && m.source === '/r/resolv.conf'));
  assert.equal(buildSpec(base).linux.resources.memory, undefined);
});

test('spec: the rootfs mounted by runc itself comes first, over "/"; too long for one page it is left to the host', async () => {
  const { inSpecRootMount } = await import('./rootfs.js');
  const rootMount = inSpecRootMount({ lowerDirs: ['/s/b/fs', '/s/a/fs'], upperDir: '/c/upper', workDir: '/c/work' });
  assert.deepEqual(rootMount, { destination: '/', type: 'overlay', source: 'overlay', options: ['lowerdir=/s/b/fs:/s/a/fs,upperdir=/c/upper,workdir=/c/work'] });
  const spec = buildSpec({ ...base, rootMount: rootMount! });
  assert.deepEqual(spec.mounts.map((m) => m.destination).slice(0, 3), ['/', '/proc', '/dev']);
  assert.equal(inSpecRootMount({ lowerDirs: [], upperDir: '/u', workDir: '/w' }), undefined);
  assert.equal(inSpecRootMount({ lowerDirs: Array.from({ length: 60 }, (_, i) => `/var/lib/skiff/engine/snapshots/${String(i).padStart(64, '0')}/fs`), upperDir: '/u', workDir: '/w' }), undefined);
});
