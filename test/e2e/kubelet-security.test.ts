/**
 * securityContext on a real node agent, with the real kubectl: capabilities (containerd's
 * default set, drop ALL + add, privileged = every capability the agent holds, no seccomp,
 * no masked paths), no_new_privs from allowPrivilegeEscalation false, a read-only rootfs
 * (writes fail with EROFS, volumes stay writable), runAsUser/runAsGroup with fsGroup and
 * supplementalGroups (process groups and volume ownership), runAsNonRoot refusing a
 * root image, and seccompProfile (Unconfined unless asked, RuntimeDefault, a Localhost
 * profile from the node's seccomp folder, the container's over the pod's). Each container
 * prints /proc/self/status lines and exits; the test reads logs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startNodeServer, type NodeServer } from './kubelet-fixture.js';

const report = 'grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status';
/** The container's own OOM score adjustment and its cpu cgroup's weight. */
const qosReport = 'cat /proc/self/oom_score_adj /sys/fs/cgroup/cpu/cpu.shares';

function pod(name: string, body: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
${body}---
`;
}

const manifests = [
  pod('defaults', `  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sh, -c, '${report}; head -c 4 /proc/timer_list | wc -c; ls /dev/tty0 2>&1']}
`),
  pod('custom', `  containers:
  - name: main
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, '${report}']
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_ADMIN, CHOWN]}}
`),
  pod('added', `  containers:
  - name: main
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, '${report}']
    securityContext: {capabilities: {add: [SYS_ADMIN], drop: [KILL]}}
`),
  pod('privileged', `  containers:
  - name: main
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, '${report}; head -c 4 /proc/timer_list | wc -c; ls /dev/loop-control /dev/tty0 2>&1']
    securityContext: {privileged: true}
`),
  pod('readonly', `  volumes: [{name: scratch, emptyDir: {}}]
  containers:
  - name: main
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, 'touch /rootfile 2>&1; echo "rc=$?"; touch /scratch/ok && echo volume-writable']
    volumeMounts: [{name: scratch, mountPath: /scratch}]
    securityContext: {readOnlyRootFilesystem: true}
`),
  pod('groups', `  securityContext: {runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000]}
  volumes: [{name: data, emptyDir: {}}]
  containers:
  - name: main
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, 'id -u; id -g; id -G; stat -c %g /data; touch /data/f && stat -c %g /data/f']
    volumeMounts: [{name: data, mountPath: /data}]
`),
  pod('nonroot', `  securityContext: {runAsNonRoot: true}
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sh, -c, 'echo ran']}
`),
  pod('nonroot-ok', `  securityContext: {runAsNonRoot: true, runAsUser: 1234}
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sh, -c, 'id -u']}
`),
  pod('seccomp-runtime', `  securityContext: {seccompProfile: {type: RuntimeDefault}}
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sh, -c, '${report}; unshare -U true 2>&1; echo "rc=$?"']}
`),
  pod('seccomp-override', `  securityContext: {seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: main
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, '${report}']
    securityContext: {seccompProfile: {type: Unconfined}}
`),
  pod('seccomp-localhost', `  containers:
  - name: main
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, '${report}; mkdir /tmp/made 2>&1; echo "rc=$?"; touch /tmp/file && echo touched']
    securityContext: {seccompProfile: {type: Localhost, localhostProfile: profiles/deny-mkdir.json}}
`),
  pod('seccomp-missing', `  containers:
  - name: main
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, 'echo ran']
    securityContext: {seccompProfile: {type: Localhost, localhostProfile: profiles/missing.json}}
`),
  pod('qos-besteffort', `  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sh, -c, '${qosReport}']}
`),
  pod('qos-burstable', `  containers:
  - name: main
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, '${qosReport}']
    resources: {requests: {cpu: 500m, memory: 64Mi}}
`),
  pod('qos-guaranteed', `  containers:
  - name: main
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, '${qosReport}']
    resources: {limits: {cpu: 250m, memory: 64Mi}}
`),
].join('');

/** A Localhost profile for the node's seccomp folder: everything but mkdir. */
const denyMkdir = { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] };

/** The named fields of the container's printed /proc/self/status lines. */
function statusFields(text: string): Record<string, string> {
  return Object.fromEntries(text.split('\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

async function logsWhenDone(s: NodeServer, name: string): Promise<string> {
  await s.waitFor(`${name} to finish`, async () => {
    const r = await s.kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase}']);
    return r.stdout === 'Succeeded' || r.stdout === 'Failed' ? true : undefined;
  });
  const logs = await s.kubectl(['logs', name]);
  assert.equal(logs.code, 0, logs.stderr);
  return logs.stdout;
}

/** This process's bounding set: a privileged container gets exactly what the agent has. */
function ownBoundingSet(): string {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('CapBnd:')) ?? '';
  return line.slice('CapBnd:'.length).trim();
}

test('securityContext: capabilities, privileged, no_new_privs, read-only rootfs, users and groups, runAsNonRoot, seccomp', async (t) => {
  const s = await startNodeServer();
  t.after(() => s.stop());
  // The agent's state folder is <data dir>/agent; Localhost profiles lie in its seccomp/.
  await mkdir(join(s.dataDir, 'agent', 'seccomp', 'profiles'), { recursive: true });
  await writeFile(join(s.dataDir, 'agent', 'seccomp', 'profiles', 'deny-mkdir.json'), JSON.stringify(denyMkdir));
  const applied = await s.kubectl(['apply', '-f', '-'], { stdin: manifests });
  assert.equal(applied.code, 0, applied.stderr);

  await t.test('the default capability set is containerd\'s; escalation allowed; no seccomp filter unless asked (Kubernetes\' Unconfined)', async () => {
    const out = await logsWhenDone(s, 'defaults');
    const f = statusFields(out);
    // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP
    assert.equal(f['CapEff'], '00000000a80425fb');
    assert.equal(f['CapBnd'], '00000000a80425fb');
    assert.equal(f['NoNewPrivs'], '0');
    assert.equal(f['Seccomp'], '0');
    // /proc/timer_list is masked (an empty /dev/null); no host devices.
    assert.match(out, /\n0\n/);
    assert.match(out, /tty0: No such file or directory/);
  });

  await t.test('drop ALL then add gives exactly the added ones; allowPrivilegeEscalation false sets no_new_privs', async () => {
    const f = statusFields(await logsWhenDone(s, 'custom'));
    assert.equal(f['CapEff'], '0000000000001001'); // CHOWN (0) and NET_ADMIN (12)
    assert.equal(f['NoNewPrivs'], '1');
  });

  await t.test('add and drop by name change the default set', async () => {
    const f = statusFields(await logsWhenDone(s, 'added'));
    // default + SYS_ADMIN (bit 21) - KILL (bit 5)
    assert.equal(f['CapEff'], (0xa80425fbn + (1n << 21n) - (1n << 5n)).toString(16).padStart(16, '0'));
  });

  await t.test('privileged: every capability the agent holds, no seccomp, unmasked /proc, host devices allowed', async () => {
    const out = await logsWhenDone(s, 'privileged');
    const f = statusFields(out);
    assert.equal(f['CapEff'], ownBoundingSet());
    assert.equal(f['Seccomp'], '0');
    assert.match(out, /\n4\n/, '/proc/timer_list is not masked');
    assert.match(out, /^\/dev\/loop-control$/m);
    assert.match(out, /^\/dev\/tty0$/m);
  });

  await t.test('readOnlyRootFilesystem: a write to / fails with EROFS, a volume stays writable', async () => {
    const out = await logsWhenDone(s, 'readonly');
    assert.match(out, /Read-only file system/);
    assert.match(out, /rc=1/);
    assert.match(out, /volume-writable/);
  });

  await t.test('runAsUser/runAsGroup, fsGroup and supplementalGroups: process ids and volume group', async () => {
    const lines = (await logsWhenDone(s, 'groups')).trim().split('\n');
    assert.equal(lines[0], '1000');
    assert.equal(lines[1], '3000');
    assert.deepEqual(new Set(lines[2]?.split(' ')), new Set(['3000', '2000', '4000']));
    assert.equal(lines[3], '2000', 'the emptyDir belongs to the fsGroup');
    assert.equal(lines[4], '2000', 'new files inherit the fsGroup (setgid folder)');
  });

  await t.test('runAsNonRoot refuses a root image with CreateContainerConfigError; a non-root runAsUser runs', async () => {
    await s.waitFor('nonroot refused', async () => {
      const r = await s.kubectl(['get', 'pod', 'nonroot', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}']);
      return r.stdout === 'CreateContainerConfigError' ? true : undefined;
    });
    const events = await s.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=nonroot', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    assert.match(events.stdout, /container has runAsNonRoot and image will run as root/);
    assert.equal((await logsWhenDone(s, 'nonroot-ok')).trim(), '1234');
  });

  await t.test('QoS on the node: cpu.shares from the CPU request, oom_score_adj by class (BestEffort 1000, Burstable between, Guaranteed -997)', async () => {
    const lines = async (name: string): Promise<number[]> => (await logsWhenDone(s, name)).trim().split('\n').map(Number);
    assert.deepEqual(await lines('qos-besteffort'), [1000, 2]);
    const [burstOom, burstShares] = await lines('qos-burstable');
    assert.equal(burstShares, 512);
    assert.ok(burstOom !== undefined && burstOom > 3 && burstOom < 1000, `Burstable oom_score_adj ${burstOom}`);
    // -997 where the agent may lower it (CAP_SYS_RESOURCE), else the agent's own value.
    assert.deepEqual(await lines('qos-guaranteed'), [Math.max(-997, oomFloor()), 256]);
    const qos = await s.kubectl(['get', 'pods', 'qos-besteffort', 'qos-burstable', 'qos-guaranteed', '-o', 'jsonpath={.items[*].status.qosClass}']);
    assert.equal(qos.stdout, 'BestEffort Burstable Guaranteed');
  });

  await t.test('seccompProfile: RuntimeDefault filters (unshare refused), the container\'s Unconfined beats the pod\'s', async () => {
    const runtime = await logsWhenDone(s, 'seccomp-runtime');
    assert.equal(statusFields(runtime)['Seccomp'], '2');
    assert.match(runtime, /Operation not permitted/);
    assert.match(runtime, /rc=1/);
    assert.equal(statusFields(await logsWhenDone(s, 'seccomp-override'))['Seccomp'], '0');
  });

  await t.test('seccompProfile Localhost: the node\'s profile file applies; a missing one is CreateContainerError', async () => {
    const out = await logsWhenDone(s, 'seccomp-localhost');
    assert.equal(statusFields(out)['Seccomp'], '2');
    assert.match(out, /mkdir: can't create directory '\/tmp\/made': Operation not permitted/);
    assert.match(out, /rc=1/);
    assert.match(out, /^touched$/m);
    await s.waitFor('seccomp-missing refused', async () => {
      const r = await s.kubectl(['get', 'pod', 'seccomp-missing', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}']);
      return r.stdout === 'CreateContainerError' ? true : undefined;
    });
    const events = await s.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=seccomp-missing', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    assert.match(events.stdout, /cannot load seccomp profile ".*\/agent\/seccomp\/profiles\/missing\.json"/);
  });
});

/** The lowest oom_score_adj the agent can give (qos.ts): its own without CAP_SYS_RESOURCE. */
function oomFloor(): number {
  const bounding = BigInt(`0x${ownBoundingSet() || '0'}`);
  const sysResource = 24n;
  return (bounding >> sysResource) & 1n ? -1000 : Number(readFileSync('/proc/self/oom_score_adj', 'utf8').trim());
}

test('--seccomp-default: containers that name no seccompProfile get RuntimeDefault; Unconfined still opts out', async (t) => {
  const s = await startNodeServer({ serverArgs: ['--seccomp-default'] });
  t.after(() => s.stop());
  const applied = await s.kubectl(['apply', '-f', '-'], { stdin: [
    pod('plain', `  containers:\n  - {name: main, image: busybox, imagePullPolicy: Never, command: [sh, -c, '${report}']}\n`),
    pod('opted-out', `  securityContext: {seccompProfile: {type: Unconfined}}\n  containers:\n  - {name: main, image: busybox, imagePullPolicy: Never, command: [sh, -c, '${report}']}\n`),
  ].join('') });
  assert.equal(applied.code, 0, applied.stderr);
  assert.equal(statusFields(await logsWhenDone(s, 'plain'))['Seccomp'], '2');
  assert.equal(statusFields(await logsWhenDone(s, 'opted-out'))['Seccomp'], '0');
});
