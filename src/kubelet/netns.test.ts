import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { createNetns, deleteNetns, netnsPathOf } from './netns.js';

const run = promisify(execFile);

test('netns: made with lo up in one step; deletes waiting together all go', async (t) => {
  const names = Array.from({ length: 3 }, () => `skiff-t-${randomBytes(4).toString('hex')}`);
  t.after(async () => {
    for (const n of names) await run('ip', ['netns', 'delete', n]).catch(() => undefined);
  });
  const paths = await Promise.all(names.map((n) => createNetns(n)));
  assert.deepEqual(paths, names.map(netnsPathOf));
  for (const n of names) {
    const { stdout } = await run('ip', ['-n', n, '-o', 'link', 'show', 'lo']);
    assert.match(stdout, /<LOOPBACK,UP,LOWER_UP>/, `lo is up in ${n}`);
  }
  await Promise.all([...names.map((n) => deleteNetns(n)), deleteNetns(`skiff-t-gone-${randomBytes(4).toString('hex')}`)]);
  for (const n of names) assert.equal(existsSync(netnsPathOf(n)), false, `${n} removed`);
  const { stdout } = await run('ip', ['netns', 'list']);
  for (const n of names) assert.ok(!stdout.includes(n));
});

test('netns: further ip commands run in the new namespace by the process that makes it', async (t) => {
  const name = `skiff-t-${randomBytes(4).toString('hex')}`;
  t.after(() => run('ip', ['netns', 'delete', name]).catch(() => undefined));
  // (dummy interfaces are missing on this kernel: a veth pair inside the namespace instead.)
  await createNetns(name, ['addr add 10.99.7.1/32 dev lo', 'link add eth0 type veth peer name eth1']);
  const { stdout } = await run('ip', ['-n', name, '-o', 'addr', 'show', 'dev', 'lo']);
  assert.match(stdout, /inet 10\.99\.7\.1\/32/);
  const links = await run('ip', ['-n', name, '-o', 'link', 'show']);
  assert.match(links.stdout, /eth0@eth1/);
  // A failing command fails the call and leaves no namespace behind.
  const bad = `skiff-t-${randomBytes(4).toString('hex')}`;
  t.after(() => run('ip', ['netns', 'delete', bad]).catch(() => undefined));
  await assert.rejects(createNetns(bad, ['link set nosuchdev up']), /batch/);
  assert.equal(existsSync(netnsPathOf(bad)), false);
});
