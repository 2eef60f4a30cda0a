import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodIpam, podRange } from './ipam.js';
import { cniResult, podSideCommands, vethName } from './pod-network.js';

test('ipam: the pod range leaves out network, gateway and broadcast', () => {
  assert.deepEqual(podRange('10.42.3.0/24'), { prefix: 24, gateway: '10.42.3.1', first: (10 << 24) + (42 << 16) + (3 << 8) + 2, last: (10 << 24) + (42 << 16) + (3 << 8) + 254 });
  assert.equal(podRange('10.42.4.0/23').gateway, '10.42.4.1');
  assert.throws(() => podRange('10.42.3.0/31'), /unsupported pod CIDR/);
});

test('ipam: addresses held in host-local files, round-robin, released only by their pod', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-ipam-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const folder = join(dir, 'skiff');
  await mkdir(folder);
  // An address host-local gave before (an agent of an earlier version): never handed out again.
  await writeFile(join(folder, '10.42.3.3'), 'old-pod\r\neth0');
  const ipam = new PodIpam(folder);
  const a = await ipam.allocate('pod-a', '10.42.3.0/24');
  const b = await ipam.allocate('pod-b', '10.42.3.0/24');
  assert.equal(a, '10.42.3.2');
  assert.equal(b, '10.42.3.4', 'the address host-local holds is skipped');
  assert.equal(await readFile(join(folder, a), 'utf8'), 'pod-a\r\neth0', 'host-local\'s file format');
  await ipam.release('pod-x', a);
  assert.ok((await readdir(folder)).includes(a), 'another pod cannot release it');
  await ipam.release('pod-a', a);
  assert.ok(!(await readdir(folder)).includes(a));
  assert.equal(await ipam.allocate('pod-c', '10.42.3.0/24'), '10.42.3.5', 'a released address is not given again at once');
  // A new allocator (agent restart) reads owners from the files.
  const again = new PodIpam(folder);
  await again.release('old-pod', '10.42.3.3');
  await again.release('pod-b', b);
  assert.deepEqual((await readdir(folder)).sort(), ['10.42.3.5']);
});

test('ipam: a full range is an error, and an address freed by someone else is found', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-ipam-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const ipam = new PodIpam(dir);
  // A /29: .2 to .6 are pods' (5 addresses).
  const got = [];
  for (let i = 0; i < 5; i++) got.push(await ipam.allocate(`p${i}`, '10.42.9.0/29'));
  assert.deepEqual(got, ['10.42.9.2', '10.42.9.3', '10.42.9.4', '10.42.9.5', '10.42.9.6']);
  await assert.rejects(ipam.allocate('p5', '10.42.9.0/29'), /no free address/);
  await rm(join(dir, '10.42.9.4'));
  assert.equal(await ipam.allocate('p6', '10.42.9.0/29'), '10.42.9.4');
});

test('pod network: eth0 commands and the CNI-shaped result portmap is given', () => {
  const eth0 = { veth: vethName('0a1b2c3d-4e5f-6789-abcd-ef0123456789'), ip: '10.42.3.7', cidr: '10.42.3.0/24' };
  assert.equal(eth0.veth, 'veth0a1b2c3d4e5');
  assert.ok(eth0.veth.length <= 15);
  assert.deepEqual(podSideCommands(eth0, 4242), [
    'link add eth0 type veth peer name veth0a1b2c3d4e5 netns /proc/4242/ns/net',
    'addr add 10.42.3.7/24 dev eth0',
    'link set eth0 up',
    'route add 10.42.0.0/16 via 10.42.3.1 dev eth0',
    'route add 10.43.0.0/16 via 10.42.3.1 dev eth0',
  ]);
  const result = cniResult(eth0, '/run/netns/x') as { ips: Array<{ address: string; gateway: string; interface: number }>; interfaces: Array<{ name: string; sandbox?: string }> };
  assert.deepEqual(result.ips, [{ address: '10.42.3.7/24', gateway: '10.42.3.1', interface: 2 }]);
  assert.deepEqual(result.interfaces[2], { name: 'eth0', sandbox: '/run/netns/x' });
});

test('ipam: pods allocating at the same moment get distinct addresses without trying each other\'s', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-ipam-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const ipam = new PodIpam(dir);
  const got = await Promise.all(Array.from({ length: 30 }, (_v, i) => ipam.allocate(`p${i}`, '10.42.5.0/24')));
  assert.equal(new Set(got).size, 30);
  // Each claimed its own address before writing: the 30 files are the first 30 of the range.
  assert.deepEqual([...got].sort(), Array.from({ length: 30 }, (_v, i) => `10.42.5.${i + 2}`).sort());
  assert.equal((await readdir(dir)).length, 30);
});
