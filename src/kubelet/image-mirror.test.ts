import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/types.js';
import { imageMirrorAnnotation, parseMirrorPort, peerMirrors } from './image-mirror.js';

const node = (name: string, ready: string, url?: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Node',
  metadata: { name, ...(url ? { annotations: { [imageMirrorAnnotation]: url } } : {}) },
  status: { conditions: [{ type: 'Ready', status: ready }] },
});

test('peer mirrors: other Ready nodes that advertise one', () => {
  const nodes = [node('self', 'True', 'http://10.0.0.1:5001'), node('b', 'True', 'http://10.0.0.2:5001'), node('c', 'False', 'http://10.0.0.3:5001'), node('d', 'True'), node('e', 'True', 'junk')];
  assert.deepEqual(peerMirrors(nodes, 'self'), [{ name: 'b', url: 'http://10.0.0.2:5001' }]);
});

test('--mirror-port: a port, 0 for any, -1 for none', () => {
  assert.equal(parseMirrorPort('5001'), 5001);
  assert.equal(parseMirrorPort('0'), 0);
  assert.equal(parseMirrorPort('-1'), undefined);
  assert.throws(() => parseMirrorPort('x'), /--mirror-port/);
  assert.throws(() => parseMirrorPort('70000'), /--mirror-port/);
});
