/**
 * Cluster DNS inside a throwaway node (network namespaces, no route off the machine): the
 * DNS server runs in the node namespace on the bridge address, reached through the kube-dns
 * ClusterIP 10.43.0.10 that the service proxy programs; a pod namespace asks with busybox
 * nslookup. Other names go to a stand-in upstream inside the node namespace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { ServiceProxy, StaticSource, type EndpointSliceObject, type ServiceObject } from '../../src/proxy/index.js';
import { TestNode } from '../../src/proxy/testing/index.js';
import { kubeDnsService, kubeDnsSlice } from '../../src/dns/index.js';

const dnsMain = fileURLToPath(new URL('../../src/dns/main.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const services: ServiceObject[] = [
  kubeDnsService(),
  { metadata: { namespace: 'default', name: 'web' }, spec: { clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80 }] } },
  { metadata: { namespace: 'default', name: 'db' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } },
];
const slices: EndpointSliceObject[] = [
  kubeDnsSlice([{ ip: '10.42.0.1', nodeName: 'node-a' }]),
  {
    metadata: { namespace: 'default', name: 'db-1', labels: { 'kubernetes.io/service-name': 'db' } }, addressType: 'IPv4',
    ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    endpoints: [
      { addresses: ['10.42.0.11'], conditions: { ready: true }, hostname: 'db-0' },
      { addresses: ['10.42.0.12'], conditions: { ready: true } },
      { addresses: ['10.42.0.13'], conditions: { ready: false } },
    ],
  },
];

// A stand-in for the node's resolver: knows upstream.example.test, NXDOMAIN for the rest.
const fakeUpstream = `
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
const s = createSocket('udp4');
s.on('message', (m, r) => {
  const q = dnsPacket.decode(m);
  const name = q.questions[0]?.name;
  const known = name === 'upstream.example.test' && q.questions[0].type === 'A';
  s.send(dnsPacket.encode({ type: 'response', id: q.id, flags: 0x80 | (known || name === 'upstream.example.test' ? 0 : 3), questions: q.questions,
    answers: known ? [{ type: 'A', name, ttl: 30, data: '192.0.2.7' }] : [] }), r.port, r.address);
});
s.bind(5353, '10.42.0.1', () => process.stdout.write('upstream ready\\n'));
`;

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${what} not ready: ${out} ${err}`)), 10_000);
    child.stdout?.on('data', (d: Buffer) => { out += d.toString(); if (pattern.test(out)) { clearTimeout(timer); resolve(); } });
    child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited ${code}: ${err}`)); });
  });
}

test('busybox nslookup through the kube-dns ClusterIP: services, headless, pods, search path, NXDOMAIN, forwarding', async (t) => {
  const node = await TestNode.create({ pods: [{ name: 'client', ip: '10.42.0.50' }] });
  const dir = mkdtempSync(join(tmpdir(), 'skiff-dns-e2e-'));
  const client = node.podNs('client');
  const netnsEtc = join('/etc/netns', client);
  let proxy: ServiceProxy | undefined;
  t.after(async () => {
    await proxy?.stop();
    await node.dispose();
    rmSync(dir, { recursive: true, force: true });
    rmSync(netnsEtc, { recursive: true, force: true });
  });

  const objects = join(dir, 'objects.json');
  writeFileSync(objects, JSON.stringify({ services, slices }));
  const upstreamChild = node.spawnIn(node.node, [process.execPath, '--input-type=module', '-e', fakeUpstream]);
  await waitForLine(upstreamChild, /upstream ready/, 'fake upstream');
  const dns = node.spawnIn(node.node, [process.execPath, dnsMain, '--listen', '10.42.0.1:53', '--objects', objects, '--upstream', '10.42.0.1:5353']);
  await waitForLine(dns, /dns ready/, 'dns server');
  const errors: unknown[] = [];
  proxy = new ServiceProxy({ source: new StaticSource(services, slices), nodeName: 'node-a', clusterCIDR: '10.42.0.0/16', target: { netns: node.node }, onError: (err) => errors.push(err) });
  await proxy.start();

  const lookup = async (name: string, extra: string[] = ['10.43.0.10']): Promise<string> => {
    const r = await node.run(client, ['busybox', 'nslookup', name, ...extra], 8000);
    return `${r.stdout}\n${r.stderr}`;
  };

  const web = await lookup('web.default.svc.cluster.local');
  assert.match(web, /Name:\s+web\.default\.svc\.cluster\.local\s+Address:\s+10\.43\.0\.20/);

  const headless = await lookup('db.default.svc.cluster.local');
  assert.match(headless, /10\.42\.0\.11/);
  assert.match(headless, /10\.42\.0\.12/);
  assert.doesNotMatch(headless, /10\.42\.0\.13/, 'unready endpoints are not in DNS');
  assert.match(await lookup('db-0.db.default.svc.cluster.local'), /Address:\s+10\.42\.0\.11/);
  assert.match(await lookup('10-42-0-50.default.pod.cluster.local'), /Address:\s+10\.42\.0\.50/);

  const srv = await node.run(client, ['busybox', 'nslookup', '-type=SRV', '_pg._tcp.db.default.svc.cluster.local', '10.43.0.10'], 8000);
  assert.match(srv.stdout, /5432 db-0\.db\.default\.svc\.cluster\.local/);

  assert.match(await lookup('nothing.default.svc.cluster.local'), /NXDOMAIN/);
  assert.match(await lookup('upstream.example.test'), /Address:\s+192\.0\.2\.7/, 'other names are forwarded');
  assert.match(await lookup('missing.example.test'), /NXDOMAIN/);

  // A pod's resolv.conf as the agent writes it: short names through the search path.
  mkdirSync(netnsEtc, { recursive: true });
  writeFileSync(join(netnsEtc, 'resolv.conf'), 'nameserver 10.43.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
  const short = await node.run(client, ['busybox', 'nslookup', 'web'], 8000);
  assert.match(short.stdout, /Address:\s+10\.43\.0\.20/, `short name through the search path: ${short.stdout} ${short.stderr}`);
  // (busybox applies the search list only to names without dots, so `web.default` is left
  // to resolvers that honour ndots; the search-path names themselves are covered above.)
  assert.deepEqual(errors, [], 'no proxy sync failed');
});
