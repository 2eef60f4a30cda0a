import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OpenApiSchema } from '../openapi-types.js';
import { buildOpenApi, findTypeErrors, findUnknownFields } from './index.js';
import { TEST_RESOURCES, WIDGET } from './test-fixtures.js';

const POD = 'io.k8s.api.core.v1.Pod';
const widgetSchema: OpenApiSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        size: { type: 'integer' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        port: { 'x-kubernetes-int-or-string': true },
        empty: { type: 'object' },
        anything: { description: 'no type: not checked' },
      },
    },
  },
};
const api = buildOpenApi([...TEST_RESOURCES, WIDGET], { 'com.example.v1.Widget': widgetSchema });
const resolve = api.schemaResolver;

function pod(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { any: 'thing' }, annotations: { 'a/b': 'c' } }, spec, ...extra };
}

test('a valid pod has no unknown fields and no type errors', () => {
  const obj = pod({
    containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: { limits: { cpu: '500m', memory: 1024 } }, env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }],
    restartPolicy: 'Always',
    nodeSelector: { disk: 'ssd' },
  }, { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] } });
  assert.deepEqual(findUnknownFields(obj, POD, resolve), []);
  assert.deepEqual(findTypeErrors(obj, POD, resolve), []);
});

test('unknown fields are reported with their paths', () => {
  const obj = pod({ foo: 1, containers: [{ name: 'c', image: 'x' }, { name: 'd', bogus: true, ports: [{ containerPort: 1, extra: 'x' }] }] }, { spex: {} });
  assert.deepEqual(findUnknownFields(obj, POD, resolve), ['.spec.foo', '.spec.containers[1].bogus', '.spec.containers[1].ports[0].extra', '.spex']);
  assert.deepEqual(findUnknownFields({ metadata: { nam: 'x' } }, POD, resolve), ['.metadata.nam']);
});

test('apiVersion/kind, maps, preserve-unknown-fields and opaque objects are open', () => {
  const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1, labels: { a: 'b' }, free: { anything: { deep: 1 } }, nope: 1, empty: { x: 1 }, anything: { y: 2 } } };
  assert.deepEqual(findUnknownFields(widget, 'com.example.v1.Widget', resolve), ['.spec.nope', '.spec.empty.x']);
  const managed = { metadata: { managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': { 'f:x': {} } } }] } };
  assert.deepEqual(findUnknownFields(managed, POD, resolve), []);
  assert.deepEqual(findUnknownFields({ spec: {} }, 'io.k8s.no.Such', resolve), []);
});

test('type errors name the field and read like upstream messages', () => {
  const obj = pod({ containers: [{ name: 'c', image: 'x', ports: [{ containerPort: '80' }] }], hostNetwork: 'yes' });
  const errors = findTypeErrors(obj, POD, resolve);
  assert.equal(errors.length, 2);
  const [port, host] = errors;
  assert.equal(port?.field, 'spec.containers[0].ports[0].containerPort');
  assert.equal(port?.expected, 'integer');
  assert.equal(port?.actual, 'string');
  assert.equal(port?.message, 'Invalid value: "string": spec.containers[0].ports[0].containerPort in body must be of type integer: "string"');
  assert.equal(port?.decodeMessage, 'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32');
  assert.equal(host?.field, 'spec.hostNetwork');
  assert.equal(host?.decodeMessage, 'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool');
  const [label] = findTypeErrors({ metadata: { labels: { app: 1 } } }, POD, resolve);
  assert.equal(label?.field, 'metadata.labels.app');
  assert.equal(label?.decodeMessage, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  const [containers] = findTypeErrors(pod({ containers: 'web' }), POD, resolve);
  assert.equal(containers?.decodeMessage, 'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container');
  const [spec] = findTypeErrors({ spec: [] }, POD, resolve);
  assert.equal(spec?.decodeMessage, 'json: cannot unmarshal array into Go struct field Pod.spec of type v1.PodSpec');
});

test('type checks: objects vs arrays, fractions, int-or-string, quantities, null', () => {
  const errors = findTypeErrors(pod({ containers: { name: 'c' } }), POD, resolve);
  assert.deepEqual(errors.map((e) => [e.field, e.expected, e.actual]), [['spec.containers', 'array', 'object']]);
  assert.deepEqual(findTypeErrors(pod({ containers: [], activeDeadlineSeconds: 1.5 }), POD, resolve).map((e) => e.field), ['spec.activeDeadlineSeconds']);
  const svc = { spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }, { port: 82, targetPort: true }] } };
  assert.deepEqual(findTypeErrors(svc, 'io.k8s.api.core.v1.Service', resolve).map((e) => e.field), ['spec.ports[2].targetPort']);
  assert.deepEqual(findTypeErrors(pod({ containers: [{ name: 'c', resources: { requests: { cpu: 1, memory: '1Gi' }, limits: { cpu: [] } } }] }), POD, resolve).map((e) => e.field), ['spec.containers[0].resources.limits.cpu']);
  assert.deepEqual(findTypeErrors(pod({ containers: null, nodeName: null }), POD, resolve), []);
  const widget = { spec: { size: 'big', port: 'http', labels: { a: 1 } } };
  const werr = findTypeErrors(widget, 'com.example.v1.Widget', resolve);
  assert.deepEqual(werr.map((e) => e.field), ['spec.size', 'spec.labels.a']);
  assert.equal(werr[0]?.message, 'Invalid value: "string": spec.size in body must be of type integer: "string"');
});
