/**
 * Turns an apiextensions.k8s.io/v1 CustomResourceDefinition into one ResourceType per
 * served version, so custom resources are routed, validated, discovered and printed like
 * built-in ones. The API server calls `Registry.addCustom` with these when a CRD is
 * created or changed and `Registry.removeCustom` when it is deleted.
 */
import type { KubeObject, ResourceStrategy, ResourceType, StrategyContext, TableColumn } from './types.js';
import type { OpenApiSchema } from './openapi-types.js';
import { ageOf } from './meta/age.js';
import { column, nameColumn, nameOf } from './meta/columns.js';
import { STANDARD_VERBS } from './meta/define.js';
import { arrayAt, isRecord, numberAt, recordAt, recordsAt, stringAt, valueAtPath, type JsonRecord } from './meta/json.js';
import { makeStrategy } from './meta/strategy.js';
import { applyDefaults, prune, validateCustomObject } from './crd-schema.js';

const PRINTER_TYPES: ReadonlySet<string> = new Set(['integer', 'number', 'string', 'boolean', 'date']);

/** The OpenAPI component name for a custom kind: reversed group, version, kind (`com.example.v1.Widget`). */
export function customSchemaName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

interface PrinterColumn { column: TableColumn; jsonPath: string }

function printerColumns(version: JsonRecord): PrinterColumn[] {
  const defs = recordsAt(version, 'additionalPrinterColumns');
  // Upstream serves an Age column when the CRD declares none.
  if (defs.length === 0) {
    return [{ column: column('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.', { type: 'date' }), jsonPath: '.metadata.creationTimestamp' }];
  }
  return defs.map((d) => {
    const type = stringAt(d, 'type') ?? 'string';
    return {
      column: column(stringAt(d, 'name') ?? '', stringAt(d, 'description') ?? '', {
        type: (PRINTER_TYPES.has(type) ? type : 'string') as TableColumn['type'],
        format: stringAt(d, 'format') ?? '',
        priority: numberAt(d, 'priority') ?? 0,
      }),
      jsonPath: stringAt(d, 'jsonPath') ?? '',
    };
  });
}

/**
 * One printer cell: dates become ages, scalars stay typed, lists are comma-joined. A missing
 * value is null, which kubectl prints as `<none>` (as upstream's CRD table convertor sends it).
 */
function cell(value: unknown, type: string, ctx: StrategyContext): unknown {
  if (value === undefined || value === null) return null;
  if (type === 'date') return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? ageOf(value, ctx.now) : '<invalid>';
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

function customStrategy(schema: OpenApiSchema | undefined, hasStatus: boolean): ResourceStrategy {
  return makeStrategy({
    hasStatus,
    usesGeneration: true,
    defaults(obj) {
      if (!schema) return;
      prune(obj, schema, true);
      applyDefaults(obj, schema);
    },
    validate: (obj) => (schema ? validateCustomObject(obj as JsonRecord, schema) : []),
  });
}

/** The ResourceTypes a CRD serves, one per `served: true` version, in the CRD's order. */
export function resourceTypesFromCRD(crd: KubeObject): ResourceType[] {
  const spec = recordAt(crd, 'spec');
  const names = recordAt(spec, 'names');
  const group = stringAt(spec, 'group') ?? '';
  const kind = stringAt(names, 'kind') ?? '';
  const plural = stringAt(names, 'plural') ?? '';
  const namespaced = stringAt(spec, 'scope') !== 'Cluster';
  return recordsAt(spec, 'versions').filter((v) => v['served'] !== false).map((v) => {
    const version = stringAt(v, 'name') ?? '';
    const subresources = recordAt(v, 'subresources');
    const scale = recordAt(subresources, 'scale');
    const hasStatus = recordAt(subresources, 'status') !== undefined;
    const schemaRoot = recordAt(recordAt(v, 'schema'), 'openAPIV3Schema') as OpenApiSchema | undefined;
    const printers = printerColumns(v);
    const labelSelectorPath = stringAt(scale, 'labelSelectorPath');
    const rt: ResourceType = {
      group, version, kind,
      listKind: stringAt(names, 'listKind') || `${kind}List`,
      plural,
      singular: stringAt(names, 'singular') || kind.toLowerCase(),
      shortNames: (arrayAt(names, 'shortNames') ?? []).map(String),
      categories: (arrayAt(names, 'categories') ?? []).map(String),
      namespaced,
      verbs: STANDARD_VERBS,
      subresources: [...(hasStatus ? ['status'] : []), ...(scale ? ['scale'] : [])].sort(),
      ...(scale ? {
        scale: {
          specReplicasPath: stringAt(scale, 'specReplicasPath') ?? '.spec.replicas',
          statusReplicasPath: stringAt(scale, 'statusReplicasPath') ?? '.status.replicas',
          ...(labelSelectorPath ? { labelSelectorPath } : {}),
        },
      } : {}),
      schemaName: customSchemaName(group, version, kind),
      strategy: customStrategy(schemaRoot, hasStatus),
      columns: [nameColumn, ...printers.map((p) => p.column)],
      row: (obj, ctx) => [nameOf(obj), ...printers.map((p) => cell(valueAtPath(obj, p.jsonPath), p.column.type, ctx))],
    };
    return rt;
  });
}

/** The version a CRD stores objects at (`storage: true`). */
export function storageVersionOf(crd: KubeObject): string | undefined {
  const v = recordsAt(recordAt(crd, 'spec'), 'versions').find((x) => x['storage'] === true);
  return stringAt(v, 'name');
}

/** Whether a value looks like a CRD object (for callers holding unknown JSON). */
export function isCRD(obj: unknown): obj is KubeObject {
  return isRecord(obj) && obj['kind'] === 'CustomResourceDefinition';
}
