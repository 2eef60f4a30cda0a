/**
 * Memos for creates of built-in kinds: objects of the same shape (a controller's pods, a
 * benchmark's thousands of identical pods) need the same schema walks, which cost far more
 * than a JSON encoding of the object. Two facts are remembered:
 * - that objects of a shape have no wrong-typed and no unknown fields (types and field
 *   names are all the walk looks at, so strings, numbers and booleans are blanked in the
 *   key; only clean results are kept, so an error message always names its own object);
 * - the managedFields of a create (fields are only named by their values inside lists, so
 *   scalars outside lists are blanked in the key; the time is set anew on every use).
 * Custom resources are not memoized: their schemas change with their CRDs.
 */
import type { KubeObject, ManagedFieldsEntry } from '../../api/types.js';
import { timestamp } from '../context.js';

const maxEntries = 512;

class BoundedMemo<V> {
  private readonly entries = new Map<string, V>();
  get(key: string): V | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: V): void {
    // Shapes are few in practice; when they are not, starting over is cheap and bounded.
    if (this.entries.size >= maxEntries) this.entries.clear();
    this.entries.set(key, value);
  }
}

const cleanShapes = new BoundedMemo<true>();

function blankScalars(_key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'string': return '';
    case 'number': return Number.isInteger(value) ? 0 : 0.5;
    case 'boolean': return false;
    default: return value;
  }
}

/** The key of an object's field types and names, for schema `schemaName`. */
export function typeShapeKey(schemaName: string, obj: unknown): string {
  return `${schemaName}\u0000${JSON.stringify(obj, blankScalars)}`;
}

export function isKnownClean(key: string): boolean {
  return cleanShapes.get(key) === true;
}

export function rememberClean(key: string): void {
  cleanShapes.set(key, true);
}

/**
 * The object's JSON with every scalar outside lists blanked. Only list items can be named by
 * their values in fieldsV1 (k:{...} and v:... entries); a scalar anywhere else is a leaf
 * whose value never names a field, so objects that differ only there have the same fields.
 * Lists are encoded whole by JSON.stringify, so only the few objects outside lists are walked.
 */
function fieldsShape(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function') continue;
      parts.push(`${JSON.stringify(k)}:${fieldsShape(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(blankScalars('', value)) ?? 'null';
}

/**
 * The one generated name that keys a list item of many pods: the service-account token
 * volume (kube-api-access-xxxxx, random per pod). It is replaced by a placeholder in the key
 * and in the remembered fields ('@' cannot appear in a valid volume name, and validation ran).
 */
const generatedVolume = /kube-api-access-[a-z0-9]{5}/;
const volumePlaceholder = 'kube-api-access-@@@@@';

export interface CreateFieldsKey {
  readonly key: string;
  /** The generated name the key stands in for, if any. */
  readonly generated: string | undefined;
}

/**
 * The key of a create's managedFields, or undefined when the request carries managedFields
 * of its own (then the full computation runs).
 */
export function createFieldsKey(obj: KubeObject, manager: string, apiVersion: string, schemaName: string): CreateFieldsKey | undefined {
  const sent = obj.metadata?.managedFields;
  if (Array.isArray(sent) && sent.length > 0) return undefined;
  let json = fieldsShape(obj);
  const generated = generatedVolume.exec(json)?.[0];
  if (generated !== undefined) json = json.replaceAll(generated, volumePlaceholder);
  return { key: `${manager}\u0000${apiVersion}\u0000${schemaName}\u0000${json}`, generated };
}

interface RememberedEntry {
  readonly entry: ManagedFieldsEntry;
  /** fieldsV1 as JSON, with the placeholder for the generated name. */
  readonly fieldsV1: string | undefined;
}

const createManagedFields = new BoundedMemo<RememberedEntry[]>();

/** The remembered managedFields for `k`, as fresh objects stamped with `now`. */
export function recalledCreateFields(k: CreateFieldsKey, now: Date): ManagedFieldsEntry[] | undefined {
  const entries = createManagedFields.get(k.key);
  if (!entries) return undefined;
  const time = timestamp(now);
  return entries.map(({ entry, fieldsV1 }) => {
    const fields = fieldsV1 === undefined ? undefined : JSON.parse(k.generated !== undefined ? fieldsV1.replaceAll(volumePlaceholder, k.generated) : fieldsV1) as Record<string, unknown>;
    return { ...entry, ...(entry.time !== undefined ? { time } : {}), ...(fields ? { fieldsV1: fields } : {}) };
  });
}

export function rememberCreateFields(k: CreateFieldsKey, entries: readonly ManagedFieldsEntry[]): void {
  createManagedFields.set(k.key, entries.map((entry) => {
    const json = entry.fieldsV1 === undefined ? undefined : JSON.stringify(entry.fieldsV1);
    return { entry: { ...entry }, fieldsV1: json !== undefined && k.generated !== undefined ? json.replaceAll(k.generated, volumePlaceholder) : json };
  }));
}
