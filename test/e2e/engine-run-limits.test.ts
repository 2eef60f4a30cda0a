/**
 * Resource limits and shared network namespaces with real runc and conmon: a memory limit
 * OOM-kills a process that needs more (exit 137, OOMKilled), and two containers joined to one
 * network namespace (made and deleted by the test, no route off the machine) talk over
 * localhost.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { eventually, makeEngineFixture } from './engine-run-fixture.js';
import type { EngineFixture } from './engine-run-fixture.js';

const run = promisify(execFile);
let fx: EngineFixture;
before(async () => { fx = await makeEngineFixture('limits'); });
after(async () => { await fx?.cleanup(); });

test('--memory 16m: a process that needs 64m is OOM-killed, exit 137, OOMKilled true', async () => {
  const r = await fx.skiff(['run', '--name', 'hog', '--memory', '16m', 'busybox', 'sh', '-c', 'x=$(head -c 64m /dev/zero | tr "\\0" a); echo ${#x}']);
  assert.equal(r.code, 137, r.stderr);
  const info = JSON.parse((await fx.skiff(['inspect', 'hog'])).stdout) as { State: { OOMKilled: boolean; ExitCode: number }; HostConfig: { Memory: number } }[];
  assert.equal(info[0]!.State.OOMKilled, true);
  assert.equal(info[0]!.State.ExitCode, 137);
  assert.equal(info[0]!.HostConfig.Memory, 16 << 20);
  // Within its limit the same container image runs fine.
  const ok = await fx.skiff(['run', '--rm', '--memory', '64m', 'busybox', 'sh', '-c', 'x=$(head -c 4m /dev/zero | tr "\\0" a); echo ${#x}']);
  assert.equal(ok.stdout, '4194304\n');
  // The same through the direct path (-i, the runtime as our child) records the OOM kill too.
  const direct = await fx.skiff(['run', '-i', '--name', 'hog2', '--memory', '16m', 'busybox', 'sh', '-c', 'x=$(head -c 64m /dev/zero | tr "\\0" a); echo ${#x}'], { input: '' });
  assert.equal(direct.code, 137, direct.stderr);
  const info2 = JSON.parse((await fx.skiff(['inspect', 'hog2'])).stdout) as { State: { OOMKilled: boolean } }[];
  assert.equal(info2[0]!.State.OOMKilled, true);
  assert.equal((await fx.skiff(['rm', 'hog', 'hog2'])).code, 0);
});

test('two containers in one network namespace reach each other over localhost', async (t) => {
  const ns = `skiff-test-${randomBytes(4).toString('hex')}`;
  await run('ip', ['netns', 'add', ns]);
  t.after(async () => { await run('ip', ['netns', 'delete', ns]); });
  // A fresh namespace has loopback down; the pod sandbox's CNI loopback plugin raises it.
  await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  const network = `ns:/run/netns/${ns}`;
  // busybox nc -l quits as soon as its stdin ends, even with the client's line still on the
  // way (under load it printed nothing): a stdin that stays open until the test removes it.
  const server = await fx.skiff(['run', '-d', '--name', 'server', '--network', network, 'busybox', 'sh', '-c', 'sleep 120 | nc -l -p 8080']);
  assert.equal(server.code, 0, server.stderr);
  // The server may not be listening yet: retry the client until it connects.
  let sent = false;
  for (let i = 0; i < 40 && !sent; i++) {
    const client = await fx.skiff(['run', '--rm', '--network', network, 'busybox', 'sh', '-c', 'echo hello-over-lo | nc 127.0.0.1 8080']);
    sent = client.code === 0;
    if (!sent) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(sent, 'client connected');
  assert.ok(await eventually(async () => (await fx.skiff(['logs', 'server'])).stdout === 'hello-over-lo\n'), 'server received the line');
  const info = JSON.parse((await fx.skiff(['inspect', 'server'])).stdout) as { HostConfig: { NetworkMode: string } }[];
  assert.equal(info[0]!.HostConfig.NetworkMode, network);
  // A container in a namespace of its own does not see the server's port.
  const outside = await fx.skiff(['run', '--rm', 'busybox', 'sh', '-c', 'echo x | nc 127.0.0.1 8080']);
  assert.notEqual(outside.code, 0);
  assert.equal((await fx.skiff(['rm', '-f', 'server'])).code, 0);
});
