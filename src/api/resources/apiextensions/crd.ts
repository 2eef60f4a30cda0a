/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition. skiff accepts names synchronously,
 * so a CRD is created already Established (upstream's naming and establishing controllers
 * would set the same conditions a moment later).
 */
import type { KubeObject, StrategyContext } from '../../types.js';
import { rfc3339 } from '../../meta/age.js';
import { column, nameColumn, nameOf } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { arrayAt, ensureRecord, recordAt, recordsAt, setDefault, setDefaultString, stringAt, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { validateCRD, validateCRDUpdate } from './crd-validation.js';

function defaultCRD(crd: KubeObject): void {
  const spec = ensureRecord(crd as JsonRecord, 'spec');
  const names = ensureRecord(spec, 'names');
  const kind = stringAt(names, 'kind');
  if (kind) {
    setDefaultString(names, 'singular', kind.toLowerCase());
    setDefaultString(names, 'listKind', `${kind}List`);
  }
  setDefault(spec, 'conversion', { strategy: 'None' });
}

function storageVersion(crd: KubeObject): string | undefined {
  return stringAt(recordsAt(recordAt(crd, 'spec'), 'versions').find((v) => v['storage'] === true), 'name');
}

/** Names accepted, Established, and the storage version recorded in storedVersions. */
function establish(crd: KubeObject, ctx: StrategyContext, previous: JsonRecord | undefined): JsonRecord {
  const names = structuredClone(recordAt(recordAt(crd, 'spec'), 'names') ?? {});
  const stored = (arrayAt(previous, 'storedVersions') ?? []).map(String);
  const sv = storageVersion(crd);
  if (sv && !stored.includes(sv)) stored.push(sv);
  const now = rfc3339(ctx.now);
  const kept = (type: string): JsonRecord | undefined => recordsAt(previous, 'conditions').find((c) => c['type'] === type && c['status'] === 'True');
  return {
    acceptedNames: names,
    conditions: [
      kept('NamesAccepted') ?? { type: 'NamesAccepted', status: 'True', lastTransitionTime: now, reason: 'NoConflicts', message: 'no conflicts found' },
      kept('Established') ?? { type: 'Established', status: 'True', lastTransitionTime: now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ],
    storedVersions: stored,
  };
}

export const customresourcedefinitions = defineResource({
  group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions',
  shortNames: ['crd', 'crds'], categories: ['api-extensions'], namespaced: false,
  subresources: ['status'],
  schemaName: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
  strategy: makeStrategy({
    hasStatus: true,
    usesGeneration: true,
    // Status is derived after defaults would run, so build it from the (possibly undefaulted) names.
    prepareForCreate(crd, ctx) {
      defaultCRD(crd);
      crd['status'] = establish(crd, ctx, undefined);
    },
    prepareForUpdate(crd, old, ctx) {
      defaultCRD(crd);
      crd['status'] = establish(crd, ctx, recordAt(old, 'status'));
    },
    defaults: defaultCRD,
    validate: validateCRD,
    validateUpdate: validateCRDUpdate,
  }),
  columns: [nameColumn, column('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', { type: 'date' })],
  row: (crd: KubeObject) => [nameOf(crd), crd.metadata?.creationTimestamp ?? ''],
});
