import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerSeccomp, effectiveSeccompField, profileFromJson, SeccompProfileError } from './seccomp.js';
import type { ContainerSpec, Pod } from './pod-types.js';

const podWith = (podField?: object, containerField?: object): { pod: Pod; c: ContainerSpec } => {
  const c: ContainerSpec = { name: 'main', image: 'busybox', ...(containerField ? { securityContext: { seccompProfile: containerField } } : {}) };
  return { pod: { metadata: { name: 'p' }, spec: { containers: [c], ...(podField ? { securityContext: { seccompProfile: podField } } : {}) } } as Pod, c };
};

test('seccomp: the container\'s profile wins over the pod\'s; neither is Unconfined, or RuntimeDefault with seccompDefault', () => {
  const none = podWith();
  assert.deepEqual(effectiveSeccompField(none.pod, none.c, false), { type: 'Unconfined' });
  assert.deepEqual(effectiveSeccompField(none.pod, none.c, true), { type: 'RuntimeDefault' });
  const podOnly = podWith({ type: 'RuntimeDefault' });
  assert.deepEqual(effectiveSeccompField(podOnly.pod, podOnly.c, false), { type: 'RuntimeDefault' });
  const both = podWith({ type: 'RuntimeDefault' }, { type: 'Unconfined' });
  assert.deepEqual(effectiveSeccompField(both.pod, both.c, true), { type: 'Unconfined' });
});

test('seccomp: what the engine is given; Localhost profiles come from the node\'s folder only', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-seccomp-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'profiles'));
  await writeFile(join(dir, 'profiles', 'deny-mkdir.json'), JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }));
  await writeFile(join(dir, 'broken.json'), '{"defaultAction": ');
  const o = { seccompDefault: false, profileDir: dir, capabilities: [] };
  const run = (field: object): ReturnType<typeof containerSeccomp> => { const p = podWith(field); return containerSeccomp(p.pod, p.c, o); };

  assert.equal(await run({ type: 'Unconfined' }), 'unconfined');
  assert.equal(await run({ type: 'RuntimeDefault' }), undefined, 'the engine\'s default profile');
  assert.deepEqual(await run({ type: 'Localhost', localhostProfile: 'profiles/deny-mkdir.json' }), {
    defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
  });
  await assert.rejects(run({ type: 'Localhost', localhostProfile: 'missing.json' }), (err: Error) => err instanceof SeccompProfileError && err.message.includes(`cannot load seccomp profile "${join(dir, 'missing.json')}"`) && /ENOENT/.test(err.message));
  await assert.rejects(run({ type: 'Localhost', localhostProfile: 'broken.json' }), /broken\.json": not JSON/);
  for (const bad of ['../etc/shadow', '/etc/passwd', '']) {
    await assert.rejects(run({ type: 'Localhost', localhostProfile: bad }), /relative path inside the node's seccomp folder/, bad);
  }
  await assert.rejects(run({ type: 'Strict' }), /unknown seccompProfile type "Strict"/);
});

test('seccomp: Docker-format profiles (archMap, name, includes/excludes by capability and architecture)', () => {
  const docker = {
    defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38,
    archMap: [{ architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] }, { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { name: 'ptrace', action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_PTRACE'] } },
      { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }], excludes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['arm_fadvise64_64'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm', 'arm64'] } },
      { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } },
    ],
  };
  const plain = profileFromJson(JSON.stringify(docker), ['CAP_CHOWN']);
  assert.equal(plain.defaultErrnoRet, 38);
  assert.deepEqual(plain.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.deepEqual(plain.syscalls?.map((r) => r.names[0]), ['read', 'personality', 'arch_prctl']);
  assert.deepEqual(plain.syscalls?.[1]?.args, [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }]);
  const admin = profileFromJson(JSON.stringify(docker), ['CAP_SYS_PTRACE', 'CAP_SYS_ADMIN']);
  assert.deepEqual(admin.syscalls?.map((r) => r.names[0]), ['read', 'ptrace', 'arch_prctl']);
  assert.throws(() => profileFromJson('{"syscalls": []}', []), /defaultAction is required/);
  assert.throws(() => profileFromJson('{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"action": "SCMP_ACT_ERRNO"}]}', []), /syscalls\[0\] names no syscall/);
});
