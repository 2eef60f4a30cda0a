import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from './types.js';
import { resourceTypesFromCRD, customSchemaName } from './crd.js';
import { builtinRegistry } from './builtin.js';
import { ago, create, ctx, lines, update } from './resources/testing.js';

function crontabCRD(overrides: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com', creationTimestamp: '2024-05-01T10:00:00Z' },
    spec: {
      group: 'stable.example.com', scope: 'Namespaced',
      names: { plural: 'crontabs', kind: 'CronTab', shortNames: ['ct'] },
      versions: [{
        name: 'v1', served: true, storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' } },
        additionalPrinterColumns: [
          { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
          { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
          { name: 'Image', type: 'string', jsonPath: '.spec.image', priority: 1 },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: { openAPIV3Schema: { type: 'object', properties: {
          spec: { type: 'object', required: ['cronSpec'], properties: {
            cronSpec: { type: 'string' }, image: { type: 'string' }, replicas: { type: 'integer', default: 1 },
            mode: { type: 'string', enum: ['fast', 'slow'] }, extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          } },
          status: { type: 'object', properties: { replicas: { type: 'integer' } } },
        } } },
      }],
      ...overrides,
    },
  };
}

test('a CRD becomes one resource type per served version', () => {
  const [rt, ...rest] = resourceTypesFromCRD(crontabCRD());
  assert.equal(rest.length, 0);
  assert.ok(rt);
  assert.deepEqual(
    [rt.group, rt.version, rt.kind, rt.listKind, rt.plural, rt.singular, rt.shortNames, rt.namespaced, rt.subresources, rt.schemaName],
    ['stable.example.com', 'v1', 'CronTab', 'CronTabList', 'crontabs', 'crontab', ['ct'], true, ['scale', 'status'], 'com.example.stable.v1.CronTab'],
  );
  assert.deepEqual(rt.scale, { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' });
  assert.deepEqual(rt.columns.map((c) => [c.name, c.type, c.priority]), [['Name', 'string', 0], ['Spec', 'string', 0], ['Replicas', 'integer', 0], ['Image', 'string', 1], ['Age', 'date', 0]]);
  const obj: KubeObject = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'c1', creationTimestamp: ago(120) }, spec: { cronSpec: '* * * * */5', replicas: 2 } };
  assert.deepEqual(rt.row(obj, ctx), ['c1', '* * * * */5', 2, null, '2m']);
  assert.equal(customSchemaName('example.com', 'v1alpha1', 'Widget'), 'com.example.v1alpha1.Widget');
});

test('custom objects: pruning, schema defaults, type/enum/required checks, status kept', () => {
  const [rt] = resourceTypesFromCRD(crontabCRD());
  assert.ok(rt);
  const obj: KubeObject = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'c1' }, spec: { cronSpec: 'x', unknown: 1, extra: { anything: true } }, junk: 1, status: { replicas: 4 } };
  assert.deepEqual(create(rt, obj), []);
  assert.deepEqual(obj['spec'], { cronSpec: 'x', extra: { anything: true }, replicas: 1 });
  assert.equal(obj['junk'], undefined);
  assert.equal(obj['status'], undefined);
  const bad: KubeObject = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'c2' }, spec: { replicas: 'three', mode: 'medium' } };
  assert.deepEqual(lines(create(rt, bad)), [
    'spec.cronSpec: Required value',
    'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    'spec.mode: Unsupported value: "medium": supported values: "fast", "slow"',
  ]);
  const old: KubeObject = { ...structuredClone(obj), status: { replicas: 2 } };
  const next = structuredClone(obj);
  next['status'] = { replicas: 9 };
  assert.deepEqual(update(rt, next, old), []);
  assert.deepEqual(next['status'], { replicas: 2 });
});

test('CRD without printer columns prints NAME and AGE; CRD table prints CREATED AT', () => {
  const crd = crontabCRD();
  const version = ((crd['spec'] as { versions: Array<Record<string, unknown>> }).versions[0]) as Record<string, unknown>;
  delete version['additionalPrinterColumns'];
  const [rt] = resourceTypesFromCRD(crd);
  assert.deepEqual(rt?.columns.map((c) => c.name), ['Name', 'Age']);
  assert.deepEqual(rt?.row({ metadata: { name: 'c', creationTimestamp: ago(7) } }, ctx), ['c', '7s']);
  const crds = builtinRegistry().resolve('crd');
  assert.ok(crds);
  assert.deepEqual(crds.columns.map((c) => c.name), ['Name', 'Created At']);
  assert.deepEqual(crds.row(crontabCRD(), ctx), ['crontabs.stable.example.com', '2024-05-01T10:00:00Z']);
});

test('CRD objects: defaults, established status, validation messages', () => {
  const crds = builtinRegistry().resolve('customresourcedefinitions');
  assert.ok(crds);
  const crd = crontabCRD();
  assert.deepEqual(create(crds, crd), []);
  const spec = crd['spec'] as { names: Record<string, unknown>; conversion: unknown };
  assert.deepEqual(spec.names, { plural: 'crontabs', kind: 'CronTab', shortNames: ['ct'], singular: 'crontab', listKind: 'CronTabList' });
  assert.deepEqual(spec.conversion, { strategy: 'None' });
  const status = crd['status'] as { storedVersions: string[]; conditions: Array<{ type: string; status: string }>; acceptedNames: unknown };
  assert.deepEqual(status.storedVersions, ['v1']);
  assert.deepEqual(status.conditions.map((c) => [c.type, c.status]), [['NamesAccepted', 'True'], ['Established', 'True']]);
  assert.deepEqual(status.acceptedNames, spec.names);

  const wrongName = crontabCRD();
  (wrongName.metadata ?? {}).name = 'crontabs.example.com';
  assert.deepEqual(lines(create(crds, wrongName)), ['metadata.name: Invalid value: "crontabs.example.com": must be spec.names.plural+"."+spec.group']);
  const noDot = crontabCRD({ group: 'stable' });
  (noDot.metadata ?? {}).name = 'crontabs.stable';
  assert.deepEqual(lines(create(crds, noDot)), ['spec.group: Invalid value: "stable": should be a domain with at least one dot']);
  const twoStorage = crontabCRD({ versions: [
    { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
    { name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
  ] });
  assert.deepEqual(lines(create(crds, twoStorage)), ['spec.versions: Invalid value: ["v1","v2"]: must have exactly one version marked as storage version']);
  const noSchema = crontabCRD({ scope: 'Global', versions: [{ name: 'v1', served: true, storage: true }] });
  assert.deepEqual(lines(create(crds, noSchema)), [
    'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
    'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required',
  ]);
  const badKind = crontabCRD({ names: { plural: 'crontabs', kind: 'Cron_Tab' } });
  const kindErrors = lines(create(crds, badKind));
  assert.ok(kindErrors.some((l) => /^spec\.names\.kind: Invalid value: "Cron_Tab": may have mixed case, but should otherwise match: a DNS-1035 label must consist of/.test(l)), kindErrors.join('\n'));
  const rescoped = structuredClone(crd);
  (rescoped['spec'] as Record<string, unknown>)['scope'] = 'Cluster';
  assert.deepEqual(lines(update(crds, rescoped, crd)), ['spec.scope: Invalid value: "Cluster": field is immutable']);
});
