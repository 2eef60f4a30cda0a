/**
 * Checks an applied configuration can be tracked field by field, as structured-merge-diff
 * does before merging: every item of a keyed list has its keys (or a schema default for
 * them) and no two items share keys. Returns upstream's message, or undefined.
 */
import type { OpenApiSchema } from '../../../api/openapi-types.js';
import { isObject } from '../json.js';
import { pathString, type FieldPath } from './fieldset.js';
import { childField, itemElement, shape, type Typed } from './typed.js';

export function validateApplied(typed: Typed, value: unknown, schema: OpenApiSchema | undefined, path: FieldPath = []): string | undefined {
  const s = shape(typed, schema);
  if (Array.isArray(value) && (s.kind === 'list-map' || s.kind === 'list-set')) {
    const seen = new Set<string>();
    for (const [i, item] of value.entries()) {
      if (s.kind === 'list-map') {
        const itemSchema = typed.view.resolve(s.items);
        const missing = s.keys.find((k) => !isObject(item) || (item[k] === undefined && typed.view.resolve(itemSchema?.properties?.[k])?.default === undefined));
        if (missing !== undefined) {
          return `${pathString(path)}: element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(missing)} (and doesn't have default value)`;
        }
      }
      const element = itemElement(typed, s, item, i);
      if (seen.has(element)) return `${pathString(path)}: duplicate entries for key ${pathString([element])}`;
      seen.add(element);
      if (s.kind === 'list-map') {
        const nested = validateApplied(typed, item, s.items, [...path, element]);
        if (nested) return nested;
      }
    }
    return undefined;
  }
  if (isObject(value) && (s.kind === 'object' || s.kind === 'deduced')) {
    for (const [key, child] of Object.entries(value)) {
      const nested = validateApplied(typed, child, childField(typed, s, key).schema, [...path, `f:${key}`]);
      if (nested) return nested;
    }
  }
  return undefined;
}
