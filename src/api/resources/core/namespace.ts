/** core/v1 Namespace: DNS-1123 label names, the `kubernetes` finalizer, phase Active. */
import type { KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { arrayAt, ensureRecord, recordAt, stringAt, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';

export const namespaces = defineResource({
  group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', shortNames: ['ns'], namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['finalize', 'status'],
  schemaName: 'io.k8s.api.core.v1.Namespace',
  strategy: makeStrategy({
    nameRule: 'label',
    hasStatus: true,
    usesGeneration: false,
    initialStatus: () => ({ phase: 'Active' }),
    prepareForCreate(obj) {
      // The namespace controller removes this finalizer once the namespace is empty.
      const spec = ensureRecord(obj as JsonRecord, 'spec');
      const finalizers = (arrayAt(spec, 'finalizers') ?? []).filter((f): f is string => typeof f === 'string');
      if (!finalizers.includes('kubernetes')) finalizers.push('kubernetes');
      spec['finalizers'] = finalizers;
    },
    prepareForUpdate(obj, old) {
      // Finalizers change only through namespaces/finalize.
      const spec = ensureRecord(obj as JsonRecord, 'spec');
      const oldFinalizers = arrayAt(recordAt(old, 'spec'), 'finalizers');
      if (oldFinalizers === undefined) delete spec['finalizers'];
      else spec['finalizers'] = structuredClone(oldFinalizers);
    },
    defaults(obj) {
      const meta = ensureRecord(obj as JsonRecord, 'metadata');
      const name = stringAt(meta, 'name');
      if (name) ensureRecord(meta, 'labels')['kubernetes.io/metadata.name'] = name;
    },
  }),
  columns: [nameColumn, column('Status', 'The status of the namespace'), ageColumn],
  row: (ns: KubeObject, ctx: StrategyContext) => [nameOf(ns), stringAt(recordAt(ns, 'status'), 'phase') ?? '', ageOf(createdAt(ns), ctx.now)],
});
