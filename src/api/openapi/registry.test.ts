/** The OpenAPI documents against the real resource registry (src/api/builtin.ts, crd.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_RESOURCES, customSchemaName, resourceTypesFromCRD } from '../index.js';
import type { KubeObject, OpenApiSchema } from '../index.js';
import { buildOpenApi, findUnknownFields } from './index.js';

type Ops = Record<string, Record<string, { parameters?: Array<{ name: string }>; 'x-kubernetes-group-version-kind'?: unknown }>>;

test('every built-in resource resolves, carries its GVK and has a PATCH with fieldValidation', () => {
  const api = buildOpenApi(BUILTIN_RESOURCES);
  for (const r of BUILTIN_RESOURCES) {
    const gvk = { group: r.group, kind: r.kind, version: r.version };
    const schema = api.schemaResolver(r.schemaName);
    assert.ok(schema, `${r.schemaName} resolves`);
    assert.deepEqual(schema['x-kubernetes-group-version-kind'], [gvk]);
    const gv = r.group === '' ? `api/${r.version}` : `apis/${r.group}/${r.version}`;
    const doc = JSON.parse(api.document(gv)?.body ?? '{}') as { paths: Ops; components: { schemas: Record<string, unknown> } };
    const item = `/${gv}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}/{name}`;
    assert.deepEqual(doc.paths[item]?.['patch']?.['x-kubernetes-group-version-kind'], gvk, item);
    assert.ok(doc.paths[item]?.['patch']?.parameters?.some((p) => p.name === 'fieldValidation'));
    assert.ok(doc.components.schemas[r.schemaName]);
  }
});

test('a CRD registered through the registry gets its schema, paths and strict checks', () => {
  const openAPIV3Schema: OpenApiSchema = {
    type: 'object',
    properties: { spec: { type: 'object', properties: { cron: { type: 'string', description: 'When to run.' }, replicas: { type: 'integer' } } } },
  };
  const crd: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com', scope: 'Namespaced',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema } }],
    },
  };
  const custom = resourceTypesFromCRD(crd);
  const name = customSchemaName('stable.example.com', 'v1', 'CronTab');
  assert.equal(custom[0]?.schemaName, name);
  const api = buildOpenApi([...BUILTIN_RESOURCES, ...custom], { [name]: openAPIV3Schema });
  assert.ok(api.rootIndex().paths['apis/stable.example.com/v1']);
  assert.equal(api.schemaResolver(name)?.properties?.['spec']?.properties?.['cron']?.description, 'When to run.');
  assert.deepEqual(findUnknownFields({ apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'x' }, spec: { cron: '* * * * *', image: 'x' } }, name, api.schemaResolver), ['.spec.image']);
});
