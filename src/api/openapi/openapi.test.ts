import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OpenApiSchema, SchemaResolver } from '../openapi-types.js';
import { refName } from '../openapi-types.js';
import { buildOpenApi } from './index.js';
import { TEST_RESOURCES, WIDGET } from './test-fixtures.js';

const api = buildOpenApi(TEST_RESOURCES);
const resolve = api.schemaResolver;

/** The schema a field leads to, following allOf/$ref and array items, as `kubectl explain` does. */
function explain(resolver: SchemaResolver, root: string, path: string[]): { field?: OpenApiSchema; schema: OpenApiSchema; name: string } {
  let name = root;
  let schema = resolver(root);
  let field: OpenApiSchema | undefined;
  assert.ok(schema, `no schema ${root}`);
  for (const part of path) {
    field = schema.properties?.[part];
    assert.ok(field, `no field ${part} in ${name}`);
    let target: OpenApiSchema = field.items ?? field;
    const ref = target.$ref ?? target.allOf?.[0]?.$ref;
    if (ref) {
      name = refName(ref);
      const next = resolver(name);
      assert.ok(next, `unresolved ${name}`);
      target = next;
    }
    schema = target;
  }
  return { ...(field ? { field } : {}), schema, name };
}

test('explain pod.spec.containers.ports reaches ContainerPort with descriptions and required fields', () => {
  const { field, schema, name } = explain(resolve, 'io.k8s.api.core.v1.Pod', ['spec', 'containers', 'ports']);
  assert.equal(name, 'io.k8s.api.core.v1.ContainerPort');
  assert.equal(field?.type, 'array');
  assert.match(field?.description ?? '', /List of ports to expose from the container/);
  assert.match(schema.description ?? '', /network port in a single container/);
  assert.deepEqual(schema.required, ['containerPort']);
  assert.equal(schema.properties?.['containerPort']?.type, 'integer');
  assert.equal(schema.properties?.['containerPort']?.format, 'int32');
  assert.match(schema.properties?.['hostIP']?.description ?? '', /host IP/);
  assert.deepEqual(schema.properties?.['protocol']?.enum, ['SCTP', 'TCP', 'UDP']);
});

test('required lists and descriptions of object-typed fields', () => {
  assert.deepEqual(resolve('io.k8s.api.core.v1.PodSpec')?.required, ['containers']);
  assert.deepEqual(resolve('io.k8s.api.apps.v1.DeploymentSpec')?.required?.slice().sort(), ['selector', 'template']);
  assert.deepEqual(resolve('io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference')?.required?.slice().sort(), ['apiVersion', 'kind', 'name', 'uid']);
  const pod = resolve('io.k8s.api.core.v1.Pod');
  for (const f of ['metadata', 'spec', 'status']) assert.ok((pod?.properties?.[f]?.description ?? '').length > 20, `pod.${f} has a description`);
  // A field with neither a dependency nor a skiff description falls back to its type's.
  assert.ok(resolve('io.k8s.api.core.v1.PodSpec')?.properties?.['affinity']?.description);
  assert.match(resolve('io.k8s.api.core.v1.PodList')?.properties?.['metadata']?.description ?? '', /list metadata/);
});

test('kind and list schemas carry their group-version-kind', () => {
  assert.deepEqual(resolve('io.k8s.api.core.v1.Pod')?.['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
  assert.deepEqual(resolve('io.k8s.api.apps.v1.DeploymentList')?.['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'DeploymentList', version: 'v1' }]);
  assert.deepEqual(resolve('io.k8s.api.autoscaling.v1.Scale')?.['x-kubernetes-group-version-kind'], [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }]);
  assert.equal(resolve('io.k8s.api.core.v1.PodSpec')?.['x-kubernetes-group-version-kind'], undefined);
});

test('strategic merge and apply extensions are present', () => {
  const field = (component: string, name: string): OpenApiSchema | undefined => resolve(component)?.properties?.[name];
  const podSpec = 'io.k8s.api.core.v1.PodSpec';
  const container = 'io.k8s.api.core.v1.Container';
  assert.equal(field(podSpec, 'containers')?.['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(field(podSpec, 'containers')?.['x-kubernetes-patch-strategy'], 'merge');
  assert.deepEqual(field(podSpec, 'containers')?.['x-kubernetes-list-map-keys'], ['name']);
  assert.equal(field(podSpec, 'volumes')?.['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  assert.equal(field(podSpec, 'tolerations')?.['x-kubernetes-list-type'], 'atomic');
  assert.equal(field(podSpec, 'tolerations')?.['x-kubernetes-patch-merge-key'], undefined);
  assert.equal(field(container, 'ports')?.['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.deepEqual(field(container, 'ports')?.['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  // Apply needs the default of a key field that may be omitted.
  assert.equal(resolve('io.k8s.api.core.v1.ContainerPort')?.properties?.['protocol']?.default, 'TCP');
  assert.equal(resolve('io.k8s.api.core.v1.ServicePort')?.properties?.['protocol']?.default, 'TCP');
  assert.equal(field(container, 'env')?.['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(field(container, 'volumeMounts')?.['x-kubernetes-patch-merge-key'], 'mountPath');
  const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
  assert.equal(field(meta, 'finalizers')?.['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(field(meta, 'finalizers')?.['x-kubernetes-list-type'], 'set');
  assert.equal(field(meta, 'ownerReferences')?.['x-kubernetes-patch-merge-key'], 'uid');
  assert.equal(field('io.k8s.api.core.v1.ServiceSpec', 'ports')?.['x-kubernetes-patch-merge-key'], 'port');
  assert.equal(field('io.k8s.api.core.v1.ServiceSpec', 'selector')?.['x-kubernetes-map-type'], 'atomic');
  assert.equal(field('io.k8s.api.apps.v1.DeploymentStatus', 'conditions')?.['x-kubernetes-patch-merge-key'], 'type');
  assert.equal(resolve('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector')?.['x-kubernetes-map-type'], 'atomic');
  assert.equal(resolve('io.k8s.api.core.v1.PodSpec')?.['x-kubernetes-map-type'], undefined);
});

test('apimachinery scalar types have upstream shapes', () => {
  const limits = resolve('io.k8s.api.core.v1.ResourceRequirements')?.properties?.['limits'];
  const quantityRef = typeof limits?.additionalProperties === 'object' ? limits.additionalProperties.allOf?.[0]?.$ref : undefined;
  assert.equal(quantityRef, '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity');
  assert.equal(resolve('io.k8s.apimachinery.pkg.api.resource.Quantity')?.['x-kubernetes-int-or-string'], true);
  assert.equal(resolve('io.k8s.api.core.v1.ServicePort')?.properties?.['targetPort']?.allOf?.[0]?.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  assert.equal(resolve('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')?.properties?.['creationTimestamp']?.allOf?.[0]?.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time');
  assert.deepEqual(resolve('io.k8s.apimachinery.pkg.apis.meta.v1.Time'), resolve('io.k8s.apimachinery.pkg.apis.meta.v1.Time'));
  assert.equal(resolve('io.k8s.apimachinery.pkg.apis.meta.v1.Time')?.format, 'date-time');
  assert.equal(resolve('io.k8s.api.coordination.v1.LeaseSpec')?.properties?.['renewTime']?.allOf?.[0]?.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime');
  const data = resolve('io.k8s.api.core.v1.Secret')?.properties?.['data']?.additionalProperties;
  assert.equal(typeof data === 'object' ? data.format : undefined, 'byte');
  assert.equal(resolve('io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta')?.properties?.['continue']?.type, 'string');
});

test('every resource has a document with get/post GVK and a PATCH declaring fieldValidation', () => {
  const root = api.rootIndex();
  for (const r of TEST_RESOURCES) {
    const gv = r.group === '' ? `api/${r.version}` : `apis/${r.group}/${r.version}`;
    const entry = root.paths[gv];
    assert.ok(entry, `root index lists ${gv}`);
    const doc = api.document(gv);
    assert.ok(doc, `document ${gv}`);
    assert.equal(entry.serverRelativeURL, `/openapi/v3/${gv}?hash=${doc.hash}`);
    const paths = JSON.parse(doc.body).paths as Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; 'x-kubernetes-group-version-kind'?: unknown }>>;
    const gvk = { group: r.group, kind: r.kind, version: r.version };
    const collection = `/${gv}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
    assert.deepEqual(paths[collection]?.['get']?.['x-kubernetes-group-version-kind'], gvk, `${collection} get`);
    assert.deepEqual(paths[collection]?.['post']?.['x-kubernetes-group-version-kind'], gvk);
    const patch = paths[`${collection}/{name}`]?.['patch'];
    assert.deepEqual(patch?.['x-kubernetes-group-version-kind'], gvk, `${collection}/{name} patch`);
    assert.ok(patch?.parameters?.some((p) => p.name === 'fieldValidation' && p.in === 'query'));
    assert.ok(paths[`${collection}/{name}`]?.['put']?.parameters?.some((p) => p.name === 'fieldValidation'));
    assert.ok(paths[collection]?.['post']?.parameters?.some((p) => p.name === 'fieldValidation'));
  }
  assert.equal(api.document('apis/nothing/v1'), undefined);
  assert.equal(api.document('/openapi/v3/api/v1')?.hash, api.document('api/v1')?.hash);
});

test('documents are self-contained: every $ref resolves inside the same document', () => {
  for (const gv of api.groupVersionPaths()) {
    const body = api.document(gv)?.body ?? '';
    const schemas = (JSON.parse(body) as { components: { schemas: Record<string, unknown> } }).components.schemas;
    for (const m of body.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      assert.ok(m[1] && m[1] in schemas, `${gv}: dangling ref ${m[1]}`);
    }
  }
});

test('hashes are stable for the same input and change with it', () => {
  const again = buildOpenApi(TEST_RESOURCES);
  assert.deepEqual(again.rootIndex(), api.rootIndex());
  assert.equal(again.document('apis/apps/v1')?.body, api.document('apis/apps/v1')?.body);
  const fewer = buildOpenApi(TEST_RESOURCES.filter((r) => r.kind !== 'ConfigMap'));
  assert.notEqual(fewer.document('api/v1')?.hash, api.document('api/v1')?.hash);
  assert.equal(fewer.document('apis/apps/v1')?.hash, api.document('apis/apps/v1')?.hash);
});

test('custom resources use the schema their CRD gives', () => {
  const widgetSchema: OpenApiSchema = {
    type: 'object',
    description: 'A widget.',
    properties: {
      spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string' } }, required: ['size'] },
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
  const withCrd = buildOpenApi([...TEST_RESOURCES, WIDGET], { 'com.example.v1.Widget': widgetSchema });
  const widget = withCrd.schemaResolver('com.example.v1.Widget');
  assert.deepEqual(widget?.['x-kubernetes-group-version-kind'], [{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
  assert.equal(widget?.properties?.['metadata']?.allOf?.[0]?.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.deepEqual(widget?.properties?.['spec']?.required, ['size']);
  const doc = JSON.parse(withCrd.document('apis/example.com/v1')?.body ?? '{}') as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, OpenApiSchema> } };
  assert.ok(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}']?.['patch']);
  assert.ok(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale']?.['patch']);
  assert.ok(doc.components.schemas['com.example.v1.WidgetList']?.properties?.['items']);
  assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  assert.ok(withCrd.rootIndex().paths['apis/example.com/v1']);
});
