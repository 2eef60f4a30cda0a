import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstFreeBlock, formatCidr, parseCidr } from './cidrs.js';

test('parses and normalises CIDRs; refuses bad ones', () => {
  assert.equal(formatCidr(parseCidr('10.42.7.9/16')), '10.42.0.0/16');
  assert.equal(formatCidr(parseCidr('192.168.1.0/24')), '192.168.1.0/24');
  for (const bad of ['10.42.0.0', '10.42.0.300/16', '10.42.0.0/33', 'x/8']) assert.throws(() => parseCidr(bad), /invalid IPv4 CIDR/);
});

test('hands out the lowest free /24, skipping taken ones, and says when the range is full', () => {
  assert.equal(firstFreeBlock('10.42.0.0/16', 24, new Set()), '10.42.0.0/24');
  assert.equal(firstFreeBlock('10.42.0.0/16', 24, new Set(['10.42.0.0/24', '10.42.1.0/24', '10.42.3.0/24'])), '10.42.2.0/24');
  assert.equal(firstFreeBlock('10.44.0.0/23', 24, new Set(['10.44.0.0/24'])), '10.44.1.0/24');
  assert.equal(firstFreeBlock('10.44.0.0/23', 24, new Set(['10.44.0.0/24', '10.44.1.0/24'])), undefined);
  assert.equal(firstFreeBlock('10.0.0.0/8', 24, new Set(['10.0.0.0/24'])), '10.0.1.0/24');
  assert.throws(() => firstFreeBlock('10.42.0.0/25', 24, new Set()), /does not fit/);
});
