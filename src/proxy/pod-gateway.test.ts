import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inCidr } from './pod-gateway.js';
import { renderRuleset } from './ruleset.js';

test('inCidr', () => {
  assert.equal(inCidr('10.42.3.1', '10.42.0.0/16'), true);
  assert.equal(inCidr('10.43.0.1', '10.42.0.0/16'), false);
  assert.equal(inCidr('192.168.1.1', '0.0.0.0/0'), true);
  assert.equal(inCidr('10.42.0.1', '10.42.0.1/32'), true);
});

test('masqueraded traffic to pods is SNAT\'ed to the pod gateway, the rest masqueraded', () => {
  const text = renderRuleset([], { nodeName: 'n1', clusterCIDR: '10.42.0.0/16', podGatewayAddress: '10.42.0.1' }).text;
  const chain = text.slice(text.indexOf('chain masquerading'), text.indexOf('}', text.indexOf('chain masquerading')));
  assert.match(chain, /ip daddr 10\.42\.0\.0\/16 snat to 10\.42\.0\.1 fully-random\n\t\tmasquerade fully-random/);
  const plain = renderRuleset([], { nodeName: 'n1', clusterCIDR: '10.42.0.0/16' }).text;
  assert.doesNotMatch(plain, /snat to/);
});
