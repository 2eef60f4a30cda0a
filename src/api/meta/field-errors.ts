/**
 * Builders for FieldError with upstream's message wording (field.Required, field.Invalid,
 * field.NotSupported, ...), so 422 responses read as the real API server's do.
 */
import type { FieldError } from '../types.js';

/** A value already rendered as upstream prints it (e.g. Go's `map[string]string{...}`). */
export class RenderedValue {
  constructor(readonly text: string) {}
}

/** Renders a rejected value the way upstream's errors quote it: strings quoted, numbers bare. */
export function formatValue(v: unknown): string {
  if (v instanceof RenderedValue) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

export function required(field: string, detail?: string): FieldError {
  return { field, type: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value' };
}

export function invalid(field: string, value: unknown, detail?: string): FieldError {
  const base = `Invalid value: ${formatValue(value)}`;
  return { field, type: 'FieldValueInvalid', message: detail ? `${base}: ${detail}` : base };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const list = supported.map((s) => JSON.stringify(s)).join(', ');
  return { field, type: 'FieldValueNotSupported', message: `Unsupported value: ${formatValue(value)}: supported values: ${list}` };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { field, type: 'FieldValueDuplicate', message: `Duplicate value: ${formatValue(value)}` };
}

export function forbidden(field: string, detail: string): FieldError {
  return { field, type: 'FieldValueForbidden', message: `Forbidden: ${detail}` };
}

export function tooLong(field: string, max: number): FieldError {
  return { field, type: 'FieldValueTooLong', message: `Too long: may not be more than ${max} bytes` };
}

/** `field is immutable`, as upstream's ValidateImmutableField reports it. */
export function immutable(field: string, value: unknown): FieldError {
  return invalid(field, value, 'field is immutable');
}
