import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profileFromJson } from './seccomp.js';

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
