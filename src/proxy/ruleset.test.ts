import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRuleset, servicePortEntries, chainNames, affinitySet } from './index.js';
import { service, slice } from './fixtures.test-util.js';

const golden = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../../../src/proxy/testdata/${name}`, import.meta.url)), 'utf8');
const opts = { nodeName: 'n1', clusterCIDR: '10.42.0.0/16' };

test('a ClusterIP with two ready endpoints and one unready renders the golden ruleset', () => {
  const entries = servicePortEntries([service('web', { clusterIP: '10.43.0.20', ports: [{ port: 80, targetPort: 'http' }] })],
    [slice('web', [{ port: 8080 }], [{ ip: '10.42.0.12' }, { ip: '10.42.0.11' }, { ip: '10.42.0.13', ready: false }])]);
  assert.equal(renderRuleset(entries, opts).text, golden('clusterip.nft'));
});

test('named ports pick the slice port of the same name; several ports give several chains', () => {
  const entries = servicePortEntries(
    [service('app', { clusterIP: '10.43.0.30', ports: [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'metrics', port: 9100, targetPort: 'prom' }] })],
    [slice('app', [{ name: 'metrics', port: 9999 }, { name: 'http', port: 8080 }], [{ ip: '10.42.0.5' }])]);
  const text = renderRuleset(entries, opts).text;
  assert.match(text, /10\.43\.0\.30 \. tcp \. 80 : goto service-[0-9A-F]{8}-default\/app\/tcp\/http/);
  assert.match(text, /10\.43\.0\.30 \. tcp \. 9100 : goto service-[0-9A-F]{8}-default\/app\/tcp\/metrics/);
  assert.match(text, /dnat to 10\.42\.0\.5:8080/);
  assert.match(text, /dnat to 10\.42\.0\.5:9999/);
});

test('a service without ready endpoints is rejected, not load-balanced', () => {
  const entries = servicePortEntries([service('none', { type: 'NodePort', clusterIP: '10.43.0.40', ports: [{ port: 80, nodePort: 30040 }] })],
    [slice('none', [{ port: 80 }], [{ ip: '10.42.0.9', ready: false }])]);
  const text = renderRuleset(entries, opts).text;
  assert.match(text, /10\.43\.0\.40 \. tcp \. 80 : goto reject-chain/);
  assert.match(text, /tcp \. 30040 : goto reject-chain/);
  assert.doesNotMatch(text, /10\.42\.0\.9/);
});

test('ClientIP affinity: one timed set per endpoint, checked before numgen and updated on use', () => {
  const entries = servicePortEntries([service('sticky', { clusterIP: '10.43.0.50', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ port: 80 }] })],
    [slice('sticky', [{ port: 80 }], [{ ip: '10.42.0.1' }, { ip: '10.42.0.2' }])]);
  const [entry] = entries;
  assert.ok(entry);
  const ep = entry.endpoints[0];
  assert.ok(ep);
  const text = renderRuleset(entries, opts).text;
  const set = affinitySet(entry, ep);
  assert.match(text, new RegExp(`set ${set} \\{\\n\\t\\ttype ipv4_addr\\n\\t\\tflags dynamic,timeout\\n\\t\\ttimeout 60s`));
  assert.match(text, new RegExp(`update @${set} \\{ ip saddr \\}`));
  const svcChain = text.slice(text.indexOf(`chain ${chainNames(entry).service}`));
  assert.ok(svcChain.indexOf(`ip saddr @${set}`) < svcChain.indexOf('numgen'));
});

test('traffic policies Local use only this node\'s endpoints and drop when there are none', () => {
  const entries = servicePortEntries(
    [service('loc', { type: 'NodePort', clusterIP: '10.43.0.60', internalTrafficPolicy: 'Local', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30060 }] })],
    [slice('loc', [{ port: 80 }], [{ ip: '10.42.0.1', nodeName: 'n1' }, { ip: '10.42.0.2', nodeName: 'n2' }])]);
  const [entry] = entries;
  assert.ok(entry);
  const onN1 = renderRuleset(entries, opts).text;
  const ext = onN1.slice(onN1.indexOf(`chain ${chainNames(entry).external}`));
  assert.match(ext.slice(0, ext.indexOf('}')), /goto endpoint-[0-9A-F]{8}-default\/loc\/tcp\/p80__10\.42\.0\.1\/80/);
  assert.doesNotMatch(ext.slice(0, ext.indexOf('}')), /mark-for-masquerade/, 'Local keeps the client source');
  const onN3 = renderRuleset(entries, { ...opts, nodeName: 'n3' }).text;
  assert.match(onN3, /10\.43\.0\.60 \. tcp \. 80 : drop/);
  const ext3 = onN3.slice(onN3.indexOf(`chain ${chainNames(entry).external}`));
  assert.match(ext3, /^chain \S+ \{\n\t\tdrop\n/);
});

test('updates send only the changed service ports: stale elements, chains and sets go, the rest stays', () => {
  const a = service('a', { clusterIP: '10.43.0.70', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] });
  const b = service('b', { clusterIP: '10.43.0.71', ports: [{ port: 80 }] });
  const c = service('c', { clusterIP: '10.43.0.72', ports: [{ port: 80 }] });
  const slices = [slice('a', [{ port: 80 }], [{ ip: '10.42.0.1' }, { ip: '10.42.0.3' }]), slice('b', [{ port: 80 }], [{ ip: '10.42.0.2' }]), slice('c', [{ port: 80 }], [{ ip: '10.42.0.4' }])];
  const first = renderRuleset(servicePortEntries([a, b, c], slices), opts);
  assert.match(first.text, /^add table ip skiff\ndelete table ip skiff\n/);
  assert.equal(first.changedServicePorts, 3);
  // b goes away; a loses 10.42.0.3; c is untouched.
  const slices2 = [slice('a', [{ port: 80 }], [{ ip: '10.42.0.1' }]), slices[2]!];
  const second = renderRuleset(servicePortEntries([a, c], slices2), opts, first.state);
  assert.equal(second.changedServicePorts, 2);
  assert.doesNotMatch(second.text, /delete table|flush table/);
  assert.doesNotMatch(second.text, /default\/c\//, 'the unchanged service is not sent');
  assert.match(second.text, /delete element ip skiff service-ips \{ 10\.43\.0\.71 \. tcp \. 80 : goto service-[0-9A-F]{8}-default\/b\/tcp\/p80 \}/);
  assert.match(second.text, /delete chain ip skiff service-[0-9A-F]{8}-default\/b\/tcp\/p80\n/);
  assert.match(second.text, /delete chain ip skiff endpoint-[0-9A-F]{8}-default\/a\/tcp\/p80__10\.42\.0\.3\/80\n/);
  assert.match(second.text, /delete set ip skiff affinity-[0-9A-F]{8}\n/);
  assert.match(second.text, /flush chain ip skiff service-[0-9A-F]{8}-default\/a\/tcp\/p80\n/);
  assert.doesNotMatch(second.text, /add element ip skiff service-ips \{ 10\.43\.0\.70/, 'a\'s map element is unchanged');
  // Element removals come before the chain deletions they would block.
  assert.ok(second.text.indexOf('delete element') < second.text.indexOf('delete chain'));
  assert.ok(second.text.lastIndexOf('flush chain') < second.text.indexOf('delete chain'));
  const third = renderRuleset(servicePortEntries([a, c], slices2), opts, second.state);
  assert.equal(third.changedServicePorts, 0);
  assert.equal(third.text, 'add table ip skiff\n');
});
