import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunFlags, parsePort, parseVolume } from './cli-options.js';
import { mergeEnv, processArgs } from './create.js';
import { resolveUserFrom } from './user.js';
import { parseLogLine } from './logs.js';
import { parseMemory } from './cgroup.js';
import { humanDuration } from './view.js';
import { normalizeSignal, signalNumber } from './signals.js';

test('run flags end at the image; the command keeps its own flags', () => {
  const f = parseRunFlags(['-d', '--rm', '--name', 'web', '-e', 'A=1', '-v', '/h:/c:ro', '-w', '/tmp', '-u', '1000:1000', '--memory', '64m', '--cpus=0.5', '--network', 'ns:/run/netns/p', '-p', '8080:80', '-it', 'busybox', 'sh', '-c', 'ls -l'], { allowDetach: true }, {});
  assert.equal(f.detach, true);
  const c = f.create;
  assert.equal(c.image, 'busybox');
  assert.deepEqual(c.cmd, ['sh', '-c', 'ls -l']);
  assert.equal(c.name, 'web');
  assert.equal(c.autoRemove, true);
  assert.equal(c.tty, true);
  assert.equal(c.openStdin, true);
  assert.deepEqual(c.env, ['A=1']);
  assert.deepEqual(c.volumes, [{ source: '/h', destination: '/c', readOnly: true }]);
  assert.equal(c.memory, 64 * 1024 * 1024);
  assert.equal(c.cpus, 0.5);
  assert.deepEqual(c.network, { kind: 'path', path: '/run/netns/p' });
  assert.deepEqual(c.ports, [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]);
  const weights = parseRunFlags(['-c', '512', '--oom-score-adj=-500', 'busybox'], { allowDetach: true }, {}).create;
  assert.equal(weights.cpuShares, 512);
  assert.equal(weights.oomScoreAdj, -500);
  assert.throws(() => parseRunFlags(['--oom-score-adj', '1001', 'busybox'], { allowDetach: true }, {}), /range for oom score adj is \[-1000, 1000\]/);
  assert.throws(() => parseRunFlags(['--cpu-shares', 'lots', 'busybox'], { allowDetach: true }, {}), /invalid --cpu-shares "lots"/);
  assert.throws(() => parseRunFlags(['--bogus', 'x'], { allowDetach: true }, {}), /unknown flag/);
  assert.throws(() => parseRunFlags(['-d', 'x'], { allowDetach: false }, {}), /unknown flag/);
  assert.throws(() => parseRunFlags([], { allowDetach: true }, {}), /requires at least 1/);
});

test('security flags: capabilities added and dropped, privileged, read-only, seccomp and no-new-privileges', async (t) => {
  const parse = (...flags: string[]): ReturnType<typeof parseRunFlags>['create'] => parseRunFlags([...flags, 'busybox'], { allowDetach: true }, {}).create;
  assert.equal(parse().security, undefined, 'Docker\'s defaults');
  const caps = parse('--cap-add', 'net_admin', '--cap-drop=CAP_KILL,chown').security?.capabilities ?? [];
  assert.ok(caps.includes('CAP_NET_ADMIN'));
  assert.ok(!caps.includes('CAP_KILL') && !caps.includes('CAP_CHOWN'));
  assert.ok(caps.includes('CAP_SETUID'), 'the rest of the defaults stay');
  assert.deepEqual(parse('--cap-drop', 'ALL', '--cap-add', 'NET_BIND_SERVICE').security?.capabilities, ['CAP_NET_BIND_SERVICE']);
  assert.throws(() => parse('--cap-add', 'WIZARDRY'), /unknown capability: "CAP_WIZARDRY"/);
  const privileged = parse('--privileged').security;
  assert.equal(privileged?.privileged, true);
  assert.ok((privileged?.capabilities ?? []).includes('CAP_SYS_ADMIN'));
  assert.deepEqual(parse('--read-only', '--security-opt', 'no-new-privileges').security, { readOnlyRootfs: true, noNewPrivileges: true });
  assert.equal(parse('--security-opt', 'no-new-privileges:false').security?.noNewPrivileges, false);
  assert.equal(parse('--security-opt', 'seccomp=unconfined').security?.seccomp, 'unconfined');
  assert.throws(() => parse('--security-opt', 'apparmor=unconfined'), /unsupported --security-opt "apparmor=unconfined"/);
  assert.throws(() => parse('--security-opt', 'seccomp=/nonexistent/profile.json'), /opening seccomp profile \(\/nonexistent\/profile\.json\) failed: ENOENT/);
  const dir = await mkdtemp(join(tmpdir(), 'skiff-run-flags-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'p.json'), JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] }));
  assert.deepEqual(parse('--security-opt', `seccomp=${join(dir, 'p.json')}`).security?.seccomp, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] });
  await writeFile(join(dir, 'bad.json'), '{');
  assert.throws(() => parse('--security-opt', `seccomp=${join(dir, 'bad.json')}`), /decoding seccomp profile .* failed: not JSON/);
});

test('volume and port specs', () => {
  assert.deepEqual(parseVolume('/a:/b'), { source: '/a', destination: '/b', readOnly: false });
  assert.throws(() => parseVolume('/a'), /invalid volume/);
  assert.throws(() => parseVolume('/a:/b:zz'), /invalid mode/);
  assert.deepEqual(parsePort('127.0.0.1:8080:80/udp'), { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'udp' });
  assert.throws(() => parsePort('99999:1'), /invalid port/);
});

test('entrypoint/cmd and env merge as Docker does', () => {
  assert.deepEqual(processArgs(['/ep'], ['a'], {}).args, ['/ep', 'a']);
  assert.deepEqual(processArgs(['/ep'], ['a'], { cmd: ['b'] }).args, ['/ep', 'b']);
  assert.deepEqual(processArgs(['/ep'], ['a'], { entrypoint: ['/x'] }).args, ['/x'], '--entrypoint resets the image Cmd');
  assert.deepEqual(processArgs(null, ['sh'], {}).args, ['sh']);
  assert.deepEqual(mergeEnv(['A=1', 'B=2'], ['A=3']), ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=3', 'B=2']);
});

test('users resolve in the container passwd and group files', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:1000:1000::/home/app:/bin/sh\n';
  const group = 'root:x:0:\nnogroup:x:65534:\napp:x:1000:\nwheel:x:10:app\n';
  assert.deepEqual(resolveUserFrom('', passwd, group), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
  assert.deepEqual(resolveUserFrom('app', passwd, group), { uid: 1000, gid: 1000, additionalGids: [10], home: '/home/app' });
  assert.deepEqual(resolveUserFrom('nobody:wheel', passwd, group), { uid: 65534, gid: 10, additionalGids: [], home: '/nonexistent' });
  assert.deepEqual(resolveUserFrom('4242:7', passwd, group), { uid: 4242, gid: 7, additionalGids: [], home: '/' });
  assert.throws(() => resolveUserFrom('ghost', passwd, group), /unable to find user ghost/);
  assert.throws(() => resolveUserFrom('app:ghosts', passwd, group), /unable to find group ghosts/);
});

test('k8s-file log lines, sizes, durations, signals', () => {
  assert.deepEqual(parseLogLine('2026-11-29T02:53:00.18+00:00 stdout F hello world'), { time: '2026-11-29T02:53:00.18+00:00', stream: 'stdout', text: 'hello world\n' });
  assert.deepEqual(parseLogLine('t stderr P part'), { time: 't', stream: 'stderr', text: 'part' });
  assert.deepEqual(parseLogLine('t stdout F '), { time: 't', stream: 'stdout', text: '\n' });
  assert.equal(parseLogLine('garbage'), undefined);
  assert.equal(parseMemory('16m'), 16 << 20);
  assert.equal(parseMemory('1g'), 1 << 30);
  assert.equal(parseMemory('1024'), 1024);
  assert.equal(humanDuration(3200), '3 seconds');
  assert.equal(humanDuration(61_000), 'About a minute');
  assert.equal(signalNumber('KILL'), 9);
  assert.equal(signalNumber('SIGTERM'), 15);
  assert.equal(normalizeSignal('9'), 'SIGKILL');
  assert.throws(() => signalNumber('NOPE'), /invalid signal/);
});
