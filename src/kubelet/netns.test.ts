import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { createNetns, deleteNetns, netnsPathOf } from './netns.js';
import { invokePlugin, loopbackConfig } from './cni.js';

const run = promisify(execFile);

test('netns: made in one step (lo left to the CNI loopback plugin); deletes waiting together all go', async (t) => {
  const names = Array.from({ length: 3 }, () => `skiff-t-${randomBytes(4).toString('hex')}`);
  t.after(async () => {
    for (const n of names) await run('ip', ['netns', 'delete', n]).catch(() => undefined);
  });
  const paths = await Promise.all(names.map((n) => createNetns(n)));
  assert.deepEqual(paths, names.map(netnsPathOf));
  for (const n of names) {
    const { stdout } = await run('ip', ['-n', n, '-o', 'link', 'show', 'lo']);
    assert.match(stdout, /^1: lo: <LOOPBACK>/, `a fresh namespace (lo down) is ${n}`);
  }
  await Promise.all([...names.map((n) => deleteNetns(n)), deleteNetns(`skiff-t-gone-${randomBytes(4).toString('hex')}`)]);
  for (const n of names) assert.equal(existsSync(netnsPathOf(n)), false, `${n} removed`);
  const { stdout } = await run('ip', ['netns', 'list']);
  for (const n of names) assert.ok(!stdout.includes(n));
});

test('netns: the CNI loopback plugin runs in the process that makes the namespace and brings lo up', async (t) => {
  const name = `skiff-t-${randomBytes(4).toString('hex')}`;
  t.after(() => run('ip', ['netns', 'delete', name]).catch(() => undefined));
  const path = netnsPathOf(name);
  let result: Record<string, unknown> = {};
  await createNetns(name, async (launcher) => { result = await invokePlugin({ command: 'ADD', containerId: name, netnsPath: path, ifName: 'lo', config: loopbackConfig(), launcher }); });
  assert.equal(result['cniVersion'], '1.0.0');
  const { stdout } = await run('ip', ['-n', name, '-o', 'link', 'show', 'lo']);
  assert.match(stdout, /<LOOPBACK,UP,LOWER_UP>/);
  // A plugin that fails leaves no namespace behind.
  const bad = `skiff-t-${randomBytes(4).toString('hex')}`;
  t.after(() => run('ip', ['netns', 'delete', bad]).catch(() => undefined));
  await assert.rejects(createNetns(bad, (launcher) => invokePlugin({ command: 'ADD', containerId: bad, netnsPath: netnsPathOf(bad), ifName: 'lo', config: { cniVersion: '1.0.0', name: 'x', type: 'no-such-plugin' }, launcher })));
  assert.equal(existsSync(netnsPathOf(bad)), false);
});
