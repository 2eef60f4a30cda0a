/** Key syntax and immutability rules shared by ConfigMaps and Secrets. */
import type { FieldError, KubeObject } from '../../types.js';
import { forbidden, invalid } from '../../meta/field-errors.js';
import { boolAt, isRecord, jsonEqual } from '../../meta/json.js';

const CONFIG_KEY = '[-._a-zA-Z0-9]+';
const configKeyRe = new RegExp(`^${CONFIG_KEY}$`);

export function validateConfigKeys(map: unknown, field: string): FieldError[] {
  if (!isRecord(map)) return [];
  const errs: FieldError[] = [];
  for (const key of Object.keys(map)) {
    if (key.length > 253) errs.push(invalid(field, key, 'must be no more than 253 characters'));
    if (!configKeyRe.test(key)) {
      errs.push(invalid(field, key, `a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '${CONFIG_KEY}')`));
    }
  }
  return errs;
}

/** Once `immutable: true` is stored, data and the flag itself are frozen. */
export function validateImmutableData(obj: KubeObject, old: KubeObject, dataFields: readonly string[]): FieldError[] {
  if (boolAt(old, 'immutable') !== true) return [];
  const errs: FieldError[] = [];
  if (boolAt(obj, 'immutable') !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of dataFields) {
    if (!jsonEqual(obj[f] ?? {}, old[f] ?? {})) errs.push(forbidden(f, 'field is immutable when `immutable` is set'));
  }
  return errs;
}

export function countKeys(...maps: unknown[]): number {
  return maps.reduce<number>((n, m) => n + (isRecord(m) ? Object.keys(m).length : 0), 0);
}
