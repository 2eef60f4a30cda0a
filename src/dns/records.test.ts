import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Answer } from 'dns-packet';
import { ClusterZone } from './records.js';

const data = (a: Answer): unknown => ('data' in a ? a.data : undefined);
import { service, slice } from '../proxy/fixtures.test-util.js';

const zone = new ClusterZone(
  [
    service('web', { clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 9000 }] }),
    service('db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }, 'data'),
    service('ext', { type: 'ExternalName', externalName: 'example.org' }),
    service('dual', { clusterIPs: ['10.43.0.30', 'fd00::30'], ports: [{ port: 80 }] }),
  ],
  [slice('db', [{ name: 'pg', port: 5433 }], [
    { ip: '10.42.1.5', hostname: 'db-0' }, { ip: '10.42.1.6' }, { ip: '10.42.1.7', ready: false },
  ], 'data')],
);

test('a ClusterIP service answers A with its ClusterIP, as asked (case kept)', () => {
  const r = zone.lookup('Web.default.svc.cluster.local', 'A');
  assert.equal(r.rcode, 'NOERROR');
  assert.deepEqual(r.answers, [{ type: 'A', name: 'Web.default.svc.cluster.local', ttl: 5, data: '10.43.0.20' }]);
});

test('AAAA for dual-stack; NODATA with the SOA for an IPv4-only service', () => {
  assert.deepEqual(zone.lookup('dual.default.svc.cluster.local', 'AAAA').answers.map((a) => a.type === 'AAAA' && a.data), ['fd00::30']);
  const r = zone.lookup('web.default.svc.cluster.local', 'AAAA');
  assert.equal(r.rcode, 'NOERROR');
  assert.equal(r.answers.length, 0);
  assert.equal(r.authorities[0]?.type, 'SOA');
});

test('SRV for named ports: the service port and target for ClusterIP, endpoint ports and hosts for headless', () => {
  const r = zone.lookup('_http._tcp.web.default.svc.cluster.local', 'SRV');
  assert.deepEqual(r.answers.map(data), [{ priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
  const h = zone.lookup('_pg._tcp.db.data.svc.cluster.local', 'SRV');
  assert.deepEqual(h.answers.map((a) => a.type === 'SRV' && `${a.data.target}:${a.data.port}`), ['db-0.db.data.svc.cluster.local:5433', '10-42-1-6.db.data.svc.cluster.local:5433']);
  assert.deepEqual(h.additionals.map((a) => a.type === 'A' && a.data), ['10.42.1.5', '10.42.1.6']);
});

test('headless: one A per ready endpoint, hostnames resolve, unready endpoints are absent', () => {
  assert.deepEqual(zone.lookup('db.data.svc.cluster.local', 'A').answers.map(data), ['10.42.1.5', '10.42.1.6']);
  assert.deepEqual(zone.lookup('db-0.db.data.svc.cluster.local', 'A').answers.map(data), ['10.42.1.5']);
  assert.equal(zone.lookup('10-42-1-7.db.data.svc.cluster.local', 'A').rcode, 'NXDOMAIN');
});

test('pod names answer their dashed IP; ExternalName is a CNAME', () => {
  assert.deepEqual(zone.lookup('10-42-0-9.default.pod.cluster.local', 'A').answers.map(data), ['10.42.0.9']);
  assert.equal(zone.lookup('10-42-0-300.default.pod.cluster.local', 'A').rcode, 'NXDOMAIN');
  assert.deepEqual(zone.lookup('ext.default.svc.cluster.local', 'A').answers, [{ type: 'CNAME', name: 'ext.default.svc.cluster.local', ttl: 5, data: 'example.org' }]);
});

test('NXDOMAIN with SOA for missing names (search-path tries fail fast); parents are NODATA', () => {
  for (const name of ['nope.default.svc.cluster.local', 'example.com.default.svc.cluster.local', 'web.other.svc.cluster.local']) {
    const r = zone.lookup(name, 'A');
    assert.equal(r.rcode, 'NXDOMAIN', name);
    assert.equal(r.authorities[0]?.type, 'SOA', name);
  }
  for (const name of ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local']) assert.equal(zone.lookup(name, 'A').rcode, 'NOERROR', name);
  assert.ok(zone.inZone('x.cluster.local.'));
  assert.ok(!zone.inZone('example.com'));
  assert.ok(!zone.inZone('notcluster.local'));
});
