import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientModels } from './client-models.js';
import { ComponentNames } from './component-names.js';

test('client-node classes map to upstream component names and back', () => {
  const models = ClientModels.locate();
  const names = new ComponentNames(models);
  const expected: Record<string, string> = {
    V1PodSpec: 'io.k8s.api.core.v1.PodSpec',
    V1PodTemplateSpec: 'io.k8s.api.core.v1.PodTemplateSpec',
    V1DeploymentSpec: 'io.k8s.api.apps.v1.DeploymentSpec',
    V1JobTemplateSpec: 'io.k8s.api.batch.v1.JobTemplateSpec',
    V1ObjectMeta: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    V1LabelSelector: 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
    V1Scale: 'io.k8s.api.autoscaling.v1.Scale',
    V2MetricTarget: 'io.k8s.api.autoscaling.v2.MetricTarget',
    CoreV1Event: 'io.k8s.api.core.v1.Event',
    EventsV1Event: 'io.k8s.api.events.v1.Event',
    DiscoveryV1EndpointPort: 'io.k8s.api.discovery.v1.EndpointPort',
    V1LeaseSpec: 'io.k8s.api.coordination.v1.LeaseSpec',
    V1JSONSchemaProps: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps',
    RbacV1Subject: 'io.k8s.api.rbac.v1.Subject',
  };
  for (const [cls, component] of Object.entries(expected)) {
    assert.equal(names.componentOf(cls), component, cls);
    assert.equal(names.classOf(component), cls, component);
  }
  assert.equal(names.classOf('io.k8s.api.core.v1.NoSuchThing'), undefined);
});

test('model fields carry wire names, formats, required-ness and descriptions', () => {
  const models = ClientModels.locate();
  const listMeta = models.read('V1ListMeta');
  assert.ok(listMeta?.fields.some((f) => f.jsonName === 'continue'), 'generated `_continue` is `continue` on the wire');
  const port = models.read('V1ContainerPort');
  const containerPort = port?.fields.find((f) => f.jsonName === 'containerPort');
  assert.equal(containerPort?.required, true);
  assert.equal(containerPort?.format, 'int32');
  assert.match(containerPort?.description ?? '', /pod's IP address/, 'escaped quotes are undone');
  assert.equal(port?.fields.find((f) => f.jsonName === 'hostIP')?.required, false);
  assert.match(port?.description ?? '', /network port/);
  assert.equal(models.read('V1NoSuchClass'), undefined);
});
