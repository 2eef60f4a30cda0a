/**
 * `skiff run` in the foreground with real runc: output, exit codes (the process's own,
 * 128+signal), flags that shape the process, confinement, and clear errors.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeEngineFixture, containerIds, eventually, mountsUnder } from './engine-run-fixture.js';
import type { EngineFixture } from './engine-run-fixture.js';

let fx: EngineFixture;
before(async () => { fx = await makeEngineFixture('run'); });
after(async () => { await fx?.cleanup(); });

test('run --rm prints output, keeps streams apart and leaves nothing behind', async () => {
  const r = await fx.skiff(['run', '--rm', 'busybox', 'sh', '-c', 'echo hello; echo oops >&2']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello\n');
  assert.equal(r.stderr, 'oops\n');
  assert.deepEqual(await containerIds(fx.root), []);
  assert.deepEqual(await mountsUnder(fx.root), []);
});

test('exit codes are the process code, and 128+N for a signal', async () => {
  assert.equal((await fx.skiff(['run', '--rm', 'busybox', 'sh', '-c', 'exit 7'])).code, 7);
  // A signal from outside (PID 1 inside ignores unhandled ones from within): 128+9.
  const running = fx.skiff(['run', '--rm', '--name', 'sig', 'busybox', 'sleep', '30']);
  assert.ok(await eventually(async () => (await fx.skiff(['ps'])).stdout.includes(' sig\n')), 'foreground container listed by ps');
  assert.equal((await fx.skiff(['kill', 'sig'])).code, 0);
  assert.equal((await running).code, 137);
  // Through conmon (not --rm): the same code, recorded for inspect.
  const r = await fx.skiff(['run', '--name', 'three', 'busybox', 'sh', '-c', 'echo kept; exit 3']);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, 'kept\n');
  const info = JSON.parse((await fx.skiff(['inspect', 'three'])).stdout) as { State: { Status: string; ExitCode: number } }[];
  assert.equal(info[0]!.State.Status, 'exited');
  assert.equal(info[0]!.State.ExitCode, 3);
  assert.equal((await fx.skiff(['logs', 'three'])).stdout, 'kept\n');
  assert.equal((await fx.skiff(['rm', 'three'])).code, 0);
});

test('env, workdir, user, hostname and entrypoint flags shape the process', async () => {
  const r = await fx.skiff(['run', '--rm', '-e', 'GREETING=hi there', '-w', '/tmp', '-u', 'nobody', '--hostname', 'box1', 'busybox', 'sh', '-c', 'echo "$GREETING|$(pwd)|$(id -u):$(id -g)|$(hostname)|$HOME"']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hi there|/tmp|65534:65534|box1|/nonexistent\n');
  const numeric = await fx.skiff(['run', '--rm', '-u', '1234:5678', 'busybox', 'id']);
  assert.match(numeric.stdout, /uid=1234 gid=5678/);
  const ep = await fx.skiff(['run', '--rm', '--entrypoint', 'echo', 'busybox', 'from', 'entrypoint']);
  assert.equal(ep.stdout, 'from entrypoint\n');
});

test('volumes: read-write and read-only binds', async () => {
  const host = join(fx.dir, 'vol');
  await mkdir(host, { recursive: true });
  await writeFile(join(host, 'in.txt'), 'from host\n');
  const rw = await fx.skiff(['run', '--rm', '-v', `${host}:/data`, 'busybox', 'sh', '-c', 'cat /data/in.txt; echo from ctr > /data/out.txt']);
  assert.equal(rw.code, 0, rw.stderr);
  assert.equal(rw.stdout, 'from host\n');
  assert.equal(await readFile(join(host, 'out.txt'), 'utf8'), 'from ctr\n');
  const ro = await fx.skiff(['run', '--rm', '-v', `${host}:/data:ro`, 'busybox', 'sh', '-c', 'echo x > /data/x']);
  assert.notEqual(ro.code, 0);
  assert.match(ro.stderr, /Read-only file system/);
  // A single file, as `docker run -v /etc/x.conf:/etc/x.conf:ro` mounts one.
  const file = join(fx.dir, 'one.conf');
  await writeFile(file, 'one file\n');
  const single = await fx.skiff(['run', '--rm', '-v', `${file}:/etc/one.conf:ro`, 'busybox', 'sh', '-c', 'cat /etc/one.conf; test -f /etc/one.conf && echo is-a-file']);
  assert.equal(single.code, 0, single.stderr);
  assert.equal(single.stdout, 'one file\nis-a-file\n');
});

test('confinement: Docker capabilities, seccomp, setuid allowed, only loopback, capped nofile', async () => {
  const r = await fx.skiff(['run', '--rm', 'busybox', 'sh', '-c', 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; ulimit -n; ip -o link | wc -l; cat /proc/kcore | wc -c; mount -t tmpfs t /mnt 2>&1 || echo mount-denied']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /CapEff:\s+00000000a80425fb/);
  assert.match(r.stdout, /NoNewPrivs:\s+0/, 'no_new_privs only when asked, as in Docker');
  assert.match(r.stdout, /Seccomp:\s+2/);
  const lines = r.stdout.trim().split('\n');
  assert.ok(Number(lines[3]) <= 20000, `nofile ${lines[3]}`);
  assert.equal(lines[4], '1', 'network none has only lo');
  assert.equal(lines[5], '0', '/proc/kcore is masked');
  assert.equal(lines.at(-1), 'mount-denied');
});

test('security flags: --cap-drop/--cap-add, --read-only, --security-opt no-new-privileges and seccomp=unconfined, --privileged', async () => {
  const report = 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status';
  const r = await fx.skiff(['run', '--rm', '--cap-drop', 'ALL', '--cap-add', 'NET_ADMIN', '--read-only', '--security-opt', 'no-new-privileges', '--security-opt', 'seccomp=unconfined', 'busybox', 'sh', '-c', `${report}; touch /file 2>&1; echo "rc=$?"`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /CapEff:\s+0000000000001000/, 'NET_ADMIN (bit 12) only');
  assert.match(r.stdout, /NoNewPrivs:\s+1/);
  assert.match(r.stdout, /Seccomp:\s+0/);
  assert.match(r.stdout, /Read-only file system/);
  assert.match(r.stdout, /rc=1/);
  const p = await fx.skiff(['run', '--rm', '--privileged', 'busybox', 'sh', '-c', `${report}; head -c 4 /proc/timer_list | wc -c`]);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /Seccomp:\s+0/);
  assert.match(p.stdout, /^4$/m, '/proc/timer_list is not masked');
  const bad = await fx.skiff(['run', '--rm', '--security-opt', 'label=disable', 'busybox', 'true']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /unsupported --security-opt "label=disable"/);
});

test('clear errors for a missing image, a missing container, a taken name', async () => {
  const noImage = await fx.skiff(['run', '--rm', 'nosuchimage']);
  assert.equal(noImage.code, 125);
  assert.match(noImage.stderr, /nosuchimage/);
  assert.match(noImage.stderr, /not known|not found/i);
  const noCtr = await fx.skiff(['logs', 'ghost']);
  assert.equal(noCtr.code, 125);
  assert.match(noCtr.stderr, /no container with name or ID "ghost" found/);
  assert.equal((await fx.skiff(['create', '--name', 'taken', 'busybox', 'true'])).code, 0);
  const dup = await fx.skiff(['create', '--name', 'taken', 'busybox', 'true']);
  assert.equal(dup.code, 125);
  assert.match(dup.stderr, /the container name "taken" is already in use/);
  const missingCmd = await fx.skiff(['run', '--rm', 'busybox', 'no-such-binary']);
  assert.equal(missingCmd.code, 127, missingCmd.stderr);
  const missingDetached = await fx.skiff(['run', '-d', '--name', 'nocmd', 'busybox', 'no-such-binary']);
  assert.equal(missingDetached.code, 127);
  assert.match(missingDetached.stderr, /executable file not found/);
  assert.equal((await fx.skiff(['run', '--rm', 'busybox', '/etc/passwd'])).code, 126);
  assert.equal((await fx.skiff(['rm', 'nocmd'])).code, 0);
  assert.equal((await fx.skiff(['rm', 'taken'])).code, 0);
});

test('-i passes stdin to the container (run and exec)', async () => {
  const r = await fx.skiff(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'read line; echo "got:$line"; exit 5'], { input: 'hello stdin\n' });
  assert.equal(r.code, 5);
  assert.equal(r.stdout, 'got:hello stdin\n');
  const id = (await fx.skiff(['run', '-d', 'busybox', 'sleep', '30'])).stdout.trim();
  const ex = await fx.skiff(['exec', '-i', id, 'tr', 'a-z', 'A-Z'], { input: 'shout\n' });
  assert.equal(ex.stdout, 'SHOUT\n');
  assert.equal((await fx.skiff(['rm', '-f', id])).code, 0);
});
