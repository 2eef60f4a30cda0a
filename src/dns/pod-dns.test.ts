import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podDnsOptions, resolvSearches } from './pod-dns.js';

test('ClusterFirst: the cluster DNS, namespace search path, ndots:5, host search domains after', () => {
  assert.deepEqual(podDnsOptions({ metadata: { namespace: 'shop' }, spec: {} }, { hostSearches: ['corp.example'] }), {
    nameservers: ['10.43.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'], options: ['ndots:5'],
  });
});

test('host network: Default unless ClusterFirstWithHostNet', () => {
  assert.equal(podDnsOptions({ spec: { hostNetwork: true } }), undefined);
  assert.equal(podDnsOptions({ spec: { dnsPolicy: 'Default' } }), undefined);
  assert.deepEqual(podDnsOptions({ spec: { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } })?.nameservers, ['10.43.0.10']);
});

test('None and dnsConfig: appended without repeats, options merged by name', () => {
  assert.deepEqual(podDnsOptions({ spec: { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } } }), {
    nameservers: ['1.2.3.4'], searches: ['a.example'], options: ['ndots:2', 'edns0'],
  });
  const merged = podDnsOptions({ spec: { dnsConfig: { nameservers: ['10.43.0.10', '9.9.9.9'], options: [{ name: 'ndots', value: '1' }] } } });
  assert.deepEqual(merged?.nameservers, ['10.43.0.10', '9.9.9.9']);
  assert.deepEqual(merged?.options, ['ndots:1']);
});

test('reads search domains from a resolv.conf', () => {
  assert.deepEqual(resolvSearches('nameserver 1.1.1.1\nsearch a.example b.example\n'), ['a.example', 'b.example']);
  assert.deepEqual(resolvSearches('nameserver 1.1.1.1\n'), []);
});
