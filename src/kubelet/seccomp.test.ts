import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerSeccomp, effectiveSeccompField, SeccompProfileError } from './seccomp.js';
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
  // A privileged container is unconfined; its profile is not even read.
  const privileged = podWith(undefined, { type: 'Localhost', localhostProfile: 'missing.json' });
  privileged.c.securityContext = { ...privileged.c.securityContext, privileged: true };
  assert.equal(await containerSeccomp(privileged.pod, privileged.c, o), 'unconfined');
});
