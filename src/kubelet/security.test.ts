import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from './pod-types.js';
import { capabilitiesInMask } from '../engine/runtime/index.js';
import { containerSecurity, defaultPodCapabilities, effectiveCapabilities, runAsNonRootRefusal } from './security.js';

const bounding = capabilitiesInMask('000001fffeffffff');
const pod = (spec: Partial<Pod['spec']> = {}): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [], ...spec } });

test('capability masks decode as /proc/PID/status prints them', () => {
  assert.deepEqual(new Set(capabilitiesInMask('00000000a80425fb')), new Set(defaultPodCapabilities));
  assert.ok(!bounding.includes('CAP_SYS_RESOURCE'), 'bit 24 is clear in that mask');
});

test('capabilities: defaults, add/drop by name, ALL, privileged, and nothing outside the bounding set', () => {
  assert.deepEqual(effectiveCapabilities({ name: 'c' }, bounding), defaultPodCapabilities);
  assert.deepEqual(effectiveCapabilities({ name: 'c', securityContext: { capabilities: { drop: ['ALL'], add: ['net_admin', 'CAP_CHOWN'] } } }, bounding), ['CAP_NET_ADMIN', 'CAP_CHOWN']);
  const added = effectiveCapabilities({ name: 'c', securityContext: { capabilities: { add: ['SYS_ADMIN', 'SYS_RESOURCE'], drop: ['KILL'] } } }, bounding);
  assert.ok(added.includes('CAP_SYS_ADMIN') && !added.includes('CAP_KILL') && !added.includes('CAP_SYS_RESOURCE'));
  assert.deepEqual(effectiveCapabilities({ name: 'c', securityContext: { capabilities: { add: ['ALL'] } } }, bounding), bounding);
  assert.deepEqual(effectiveCapabilities({ name: 'c', securityContext: { privileged: true, capabilities: { drop: ['ALL'] } } }, bounding), bounding);
});

test('engine settings from the container and pod contexts', () => {
  const p = pod({ securityContext: { fsGroup: 2000, supplementalGroups: [4000, 4001] } });
  assert.deepEqual(containerSecurity(p, { name: 'c', securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false } }, bounding), {
    capabilities: defaultPodCapabilities, readOnlyRootfs: true, noNewPrivileges: true, privileged: false, extraGids: [2000, 4000, 4001],
  });
  assert.equal(containerSecurity(pod(), { name: 'c' }, bounding).noNewPrivileges, false, 'escalation is allowed unless forbidden');
  assert.equal(containerSecurity(pod(), { name: 'c' }, bounding).extraGids, undefined);
});

test('runAsNonRoot refuses root and unverifiable image users, allows numeric non-root ones', () => {
  const nonRoot = pod({ securityContext: { runAsNonRoot: true } });
  assert.match(runAsNonRootRefusal(nonRoot, { name: 'c' }, '') ?? '', /image will run as root/);
  assert.match(runAsNonRootRefusal(nonRoot, { name: 'c' }, 'root') ?? '', /image will run as root/);
  assert.match(runAsNonRootRefusal(nonRoot, { name: 'c' }, 'nginx') ?? '', /non-numeric user \(nginx\)/);
  assert.equal(runAsNonRootRefusal(nonRoot, { name: 'c' }, '101:101'), undefined);
  assert.match(runAsNonRootRefusal(nonRoot, { name: 'c', securityContext: { runAsUser: 0 } }, '0') ?? '', /runAsUser breaks non-root policy/);
  assert.equal(runAsNonRootRefusal(pod(), { name: 'c' }, ''), undefined);
});
