import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import dnsPacket, { type DecodedPacket, type RecordType } from 'dns-packet';
import { StaticSource } from '../proxy/index.js';
import { service, slice } from '../proxy/fixtures.test-util.js';
import { Registry } from 'prom-client';
import { DnsServer } from './server.js';

type Reply = DecodedPacket & { rcode?: string };

function udpQuery(port: number, name: string, type: RecordType, id = 7): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => { s.close(); reject(new Error('no answer')); }, 3000);
    s.on('message', (m) => { clearTimeout(timer); s.close(); resolve(dnsPacket.decode(m)); });
    s.send(dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] }), port, '127.0.0.1');
  });
}

function tcpQuery(port: number, name: string, type: RecordType): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) { s.destroy(); resolve(dnsPacket.decode(buf.subarray(2))); }
    });
    s.on('error', reject);
    s.write(dnsPacket.streamEncode({ type: 'query', id: 9, questions: [{ type, name }] }));
  });
}

/** A stand-in upstream resolver on loopback that knows one name. */
async function fakeUpstream(): Promise<{ port: number; close: () => Promise<void> }> {
  const s = createSocket('udp4');
  s.on('message', (m, r) => {
    const q = dnsPacket.decode(m);
    const known = q.questions?.[0]?.name === 'upstream.example';
    s.send(dnsPacket.encode({ type: 'response', id: q.id ?? 0, flags: known ? 0 : 3, questions: q.questions ?? [], answers: known ? [{ type: 'A', name: 'upstream.example', ttl: 60, data: '192.0.2.7' }] : [] }), r.port, r.address);
  });
  await new Promise<void>((res) => s.bind(0, '127.0.0.1', res));
  return { port: s.address().port, close: () => new Promise((res) => s.close(() => res())) };
}

test('DNS server over UDP and TCP: cluster answers, NXDOMAIN with SOA, forwarding, updates', async (t) => {
  const upstream = await fakeUpstream();
  const source = new StaticSource([service('web', { clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80 }] })], []);
  const registry = new Registry();
  const server = new DnsServer({ source, host: '127.0.0.1', port: 0, upstreams: [{ host: '127.0.0.1', port: upstream.port }], registry });
  await server.start();
  t.after(async () => { await server.stop(); await upstream.close(); });

  const a = await udpQuery(server.port, 'web.default.svc.cluster.local', 'A', 4242);
  assert.equal(a.id, 4242);
  assert.equal(a.rcode, 'NOERROR');
  assert.equal(a.flag_aa, true);
  assert.deepEqual(a.answers?.map((x) => x.type === 'A' && x.data), ['10.43.0.20']);

  const nx = await udpQuery(server.port, 'missing.default.svc.cluster.local', 'A');
  assert.equal(nx.rcode, 'NXDOMAIN');
  assert.equal(nx.authorities?.[0]?.type, 'SOA');

  const srv = await tcpQuery(server.port, '_http._tcp.web.default.svc.cluster.local', 'SRV');
  assert.deepEqual(srv.answers?.map((x) => x.type === 'SRV' && x.data.port), [80]);

  const fwd = await udpQuery(server.port, 'upstream.example', 'A');
  assert.deepEqual(fwd.answers?.map((x) => x.type === 'A' && x.data), ['192.0.2.7']);
  const fwdTcp = await tcpQuery(server.port, 'upstream.example', 'A');
  assert.deepEqual(fwdTcp.answers?.map((x) => x.type === 'A' && x.data), ['192.0.2.7']);
  const fwdNx = await udpQuery(server.port, 'other.example', 'A');
  assert.equal(fwdNx.rcode, 'NXDOMAIN');

  const metrics = await registry.metrics();
  assert.match(metrics, /skiff_dns_requests_total\{outcome="cluster",rcode="NXDOMAIN"\} 1/);
  assert.match(metrics, /skiff_dns_requests_total\{outcome="forwarded",rcode="upstream"\} 3/);

  source.set([service('web', { clusterIP: '10.43.0.99', ports: [{ port: 80 }] }), service('db', { clusterIP: 'None' })], [slice('db', [], [{ ip: '10.42.0.5' }])]);
  assert.deepEqual((await udpQuery(server.port, 'web.default.svc.cluster.local', 'A')).answers?.map((x) => x.type === 'A' && x.data), ['10.43.0.99']);
  assert.deepEqual((await udpQuery(server.port, 'db.default.svc.cluster.local', 'A')).answers?.map((x) => x.type === 'A' && x.data), ['10.42.0.5']);
});

test('a reply too large for a plain UDP datagram is truncated (TC) and complete over TCP', async (t) => {
  const eps = Array.from({ length: 60 }, (_, i) => ({ ip: `10.42.0.${i + 1}` }));
  const source = new StaticSource([service('big', { clusterIP: 'None', ports: [{ port: 80 }] })], [slice('big', [{ port: 80 }], eps)]);
  const server = new DnsServer({ source, host: '127.0.0.1', port: 0, upstreams: [] });
  await server.start();
  t.after(() => server.stop());
  const udp = await udpQuery(server.port, 'big.default.svc.cluster.local', 'A');
  assert.equal(udp.flag_tc, true);
  const tcp = await tcpQuery(server.port, 'big.default.svc.cluster.local', 'A');
  assert.equal(tcp.answers?.length, 60);
});
