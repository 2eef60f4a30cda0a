import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRuleset, servicePortEntries, chainNames, type ServiceObject } from './index.js';
import { service, slice } from './fixtures.test-util.js';

const opts = { nodeName: 'n1', clusterCIDR: '10.42.0.0/16' };
const withIngress = (svc: ServiceObject, ips: string[]): ServiceObject => ({ ...svc, status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } } });

test('LoadBalancer ingress IPs lead to the external chain, like the NodePort', () => {
  const svc = withIngress(service('lb', { type: 'LoadBalancer', clusterIP: '10.43.0.70', ports: [{ port: 8080, nodePort: 30070 }] }), ['192.168.78.1', '192.168.78.2']);
  const entries = servicePortEntries([svc], [slice('lb', [{ port: 80 }], [{ ip: '10.42.0.7' }])]);
  const [entry] = entries;
  assert.ok(entry);
  assert.deepEqual(entry.loadBalancerIPs, ['192.168.78.1', '192.168.78.2']);
  const text = renderRuleset(entries, opts).text;
  const external = chainNames(entry).external;
  assert.ok(text.includes(`192.168.78.1 . tcp . 8080 : goto ${external}`), text);
  assert.ok(text.includes(`192.168.78.2 . tcp . 8080 : goto ${external}`));
  assert.ok(text.includes(`tcp . 30070 : goto ${external}`));
  assert.ok(text.includes('10.43.0.70 . tcp . 8080 : goto service-'));
  const chain = text.slice(text.indexOf(`chain ${external}`));
  assert.match(chain, /jump mark-for-masquerade/);
});

test('ingress on a Service that is not a LoadBalancer is ignored; no endpoints means reject on the ingress IPs', () => {
  const notLb = withIngress(service('np', { type: 'NodePort', clusterIP: '10.43.0.71', ports: [{ port: 80, nodePort: 30071 }] }), ['192.168.78.1']);
  const empty = withIngress(service('lb0', { type: 'LoadBalancer', clusterIP: '10.43.0.72', ports: [{ port: 81, nodePort: 30072 }] }), ['192.168.78.1']);
  const entries = servicePortEntries([notLb, empty], [slice('np', [{ port: 80 }], [{ ip: '10.42.0.8' }])]);
  const text = renderRuleset(entries, opts).text;
  assert.ok(!text.includes('192.168.78.1 . tcp . 80 :'), 'no LB address for a NodePort service');
  assert.ok(text.includes('192.168.78.1 . tcp . 81 : goto reject-chain'));
});

test('an ingress change is a partial sync of that Service port alone', () => {
  const base = service('lb', { type: 'LoadBalancer', clusterIP: '10.43.0.70', ports: [{ port: 8080, nodePort: 30070 }] });
  const slices = [slice('lb', [{ port: 80 }], [{ ip: '10.42.0.7' }])];
  const first = renderRuleset(servicePortEntries([withIngress(base, ['192.168.78.1'])], slices), opts);
  const second = renderRuleset(servicePortEntries([withIngress(base, ['192.168.78.2'])], slices), opts, first.state);
  assert.equal(second.changedServicePorts, 1);
  assert.match(second.text, /delete element ip skiff service-ips \{ 192\.168\.78\.1 \. tcp \. 8080 : goto external-/);
  assert.match(second.text, /add element ip skiff service-ips \{ 192\.168\.78\.2 \. tcp \. 8080 : goto external-/);
});
