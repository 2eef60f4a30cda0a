/**
 * Detached containers under conmon, driven by separate `skiff` processes: they keep running
 * and logging after the process that started them exits; ps, logs (-f), exec, stop, kill,
 * wait and rm from new processes; rm releases the mount, the cgroup and the folder.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { containerIds, eventually, leftoverCgroups, makeEngineFixture, mountsUnder } from './engine-run-fixture.js';
import type { EngineFixture } from './engine-run-fixture.js';

let fx: EngineFixture;
before(async () => { fx = await makeEngineFixture('detached'); });
after(async () => { await fx?.cleanup(); });

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

test('run -d, then ps, logs, exec, stop and rm from new processes', async () => {
  const started = await fx.skiff(['run', '-d', '--name', 'web', '--memory', '32m', '--cpus', '0.5', 'busybox', 'sh', '-c',
    'echo started; trap "echo stopping; exit 0" TERM; while true; do sleep 0.1; done']);
  assert.equal(started.code, 0, started.stderr);
  const id = started.stdout.trim();
  assert.match(id, /^[0-9a-f]{64}$/);

  const ps = await fx.skiff(['ps']);
  assert.match(ps.stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES\n/);
  assert.match(ps.stdout, new RegExp(`${id.slice(0, 12)}\\s+busybox\\s+"sh -c echo started;…"\\s+.+ago\\s+Up .+\\s+web\\n`));
  assert.equal((await fx.skiff(['ps', '-q'])).stdout, `${id.slice(0, 12)}\n`);

  assert.ok(await eventually(async () => (await fx.skiff(['logs', 'web'])).stdout === 'started\n'), 'logs show the output');

  // Limits landed in the cgroup v1 files.
  const { readFile } = await import('node:fs/promises');
  assert.equal((await readFile(`/sys/fs/cgroup/memory/skiff/${id}/memory.limit_in_bytes`, 'utf8')).trim(), String(32 << 20));
  assert.equal((await readFile(`/sys/fs/cgroup/cpu/skiff/${id}/cpu.cfs_quota_us`, 'utf8')).trim(), '50000');

  const ex = await fx.skiff(['exec', 'web', 'sh', '-c', 'echo in-container; cat /etc/hostname; exit 4']);
  assert.equal(ex.code, 4);
  assert.equal(ex.stdout, `in-container\n${id.slice(0, 12)}\n`);

  const stop = await fx.skiff(['stop', '-t', '5', 'web']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal((await fx.skiff(['logs', 'web'])).stdout, 'started\nstopping\n');
  const info = JSON.parse((await fx.skiff(['inspect', id.slice(0, 12)])).stdout) as { Id: string; Name: string; State: { Status: string; Running: boolean; ExitCode: number } }[];
  assert.equal(info[0]!.Id, id);
  assert.equal(info[0]!.Name, 'web');
  assert.deepEqual([info[0]!.State.Status, info[0]!.State.Running, info[0]!.State.ExitCode], ['exited', false, 0]);
  assert.match((await fx.skiff(['ps', '-a'])).stdout, /Exited \(0\) .*ago\s+web/);
  assert.equal((await fx.skiff(['ps'])).stdout.split('\n').length, 2, 'only the header without -a');

  assert.equal((await fx.skiff(['rm', 'web'])).code, 0);
  assert.equal(await exists(join(fx.root, 'containers', id)), false);
  assert.deepEqual(await mountsUnder(fx.root), []);
  assert.deepEqual(await leftoverCgroups([id]), []);
  assert.equal((await fx.skiff(['inspect', 'web'])).code, 125);
});

test('stop escalates to SIGKILL; kill and wait report 137; rm refuses a running container without -f', async () => {
  const id = (await fx.skiff(['run', '-d', 'busybox', 'sleep', '60'])).stdout.trim();
  const t0 = Date.now();
  assert.equal((await fx.skiff(['stop', '-t', '1', id])).code, 0);
  assert.ok(Date.now() - t0 >= 1000, 'waited for the grace period (sleep as PID 1 ignores SIGTERM)');
  assert.equal((await fx.skiff(['wait', id])).stdout, '137\n');

  const second = (await fx.skiff(['run', '-d', 'busybox', 'sleep', '60'])).stdout.trim();
  const refused = await fx.skiff(['rm', second]);
  assert.equal(refused.code, 125);
  assert.match(refused.stderr, /as it is running/);
  const waiting = fx.skiff(['wait', second]);
  assert.equal((await fx.skiff(['kill', '-s', 'KILL', second])).code, 0);
  assert.equal((await waiting).stdout, '137\n');
  assert.equal((await fx.skiff(['rm', '-f', id, second])).code, 0);
  assert.deepEqual(await containerIds(fx.root), []);
});

test('logs -f follows until the container exits; rm -f removes a running one', async () => {
  const id = (await fx.skiff(['run', '-d', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.2; done; echo done >&2'])).stdout.trim();
  const followed = await fx.skiff(['logs', '-f', id]);
  assert.equal(followed.stdout, 'line1\nline2\nline3\n');
  assert.equal(followed.stderr, 'done\n');
  const running = (await fx.skiff(['run', '-d', 'busybox', 'sleep', '60'])).stdout.trim();
  assert.equal((await fx.skiff(['rm', '-f', running])).code, 0);
  assert.deepEqual(await leftoverCgroups([running]), []);
  assert.equal((await fx.skiff(['rm', id])).code, 0);
});

test('run -d --rm removes the container when it exits, without any skiff process running', async () => {
  const id = (await fx.skiff(['run', '-d', '--rm', 'busybox', 'sh', '-c', 'sleep 0.3'])).stdout.trim();
  assert.ok(await exists(join(fx.root, 'containers', id)));
  assert.ok(await eventually(async () => !(await exists(join(fx.root, 'containers', id))), 15_000), 'conmon exit command removed it');
  assert.deepEqual(await mountsUnder(fx.root), []);
  // The same for `create --rm` started later.
  const later = (await fx.skiff(['create', '--rm', 'busybox', 'true'])).stdout.trim();
  assert.equal((await fx.skiff(['start', later])).code, 0);
  assert.ok(await eventually(async () => !(await exists(join(fx.root, 'containers', later))), 15_000), 'removed after start');
});

test('create then start, and start again after exit', async () => {
  const id = (await fx.skiff(['create', '--name', 'twice', 'busybox', 'sh', '-c', 'echo run'])).stdout.trim();
  assert.match((await fx.skiff(['ps', '-a'])).stdout, /Created\s+twice/);
  assert.equal((await fx.skiff(['start', 'twice'])).code, 0);
  assert.equal((await fx.skiff(['wait', 'twice'])).stdout, '0\n');
  assert.equal((await fx.skiff(['start', 'twice'])).code, 0);
  assert.equal((await fx.skiff(['wait', 'twice'])).stdout, '0\n');
  assert.equal((await fx.skiff(['logs', 'twice'])).stdout, 'run\nrun\n');
  assert.equal((await fx.skiff(['rm', id])).code, 0);
});

test('-p publishes a container port on a host address without NAT; the publisher ends with the container', async () => {
  const { createServer, connect } = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const started = await fx.skiff(['run', '-d', '--name', 'pub', '-p', `127.0.0.1:${port}:8080`, 'busybox', 'sh', '-c', 'while true; do echo hi-from-ctr | nc -l -p 8080; done']);
  assert.equal(started.code, 0, started.stderr);
  assert.match((await fx.skiff(['ps'])).stdout, new RegExp(`127\\.0\\.0\\.1:${port}->8080/tcp\\s+pub`));
  const fetchLine = (): Promise<string> => new Promise((resolve) => {
    let got = '';
    const socket = connect(port, '127.0.0.1');
    socket.on('data', (d: Buffer) => { got += d.toString(); });
    socket.on('close', () => resolve(got));
    socket.on('error', () => resolve(''));
  });
  assert.ok(await eventually(async () => (await fetchLine()) === 'hi-from-ctr\n'), 'reached the container through the host port');
  assert.equal((await fx.skiff(['rm', '-f', 'pub'])).code, 0);
  assert.equal(await fetchLine(), '', 'nothing listens once the container is gone');
});
