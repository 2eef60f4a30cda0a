/** Helpers for strategy tests: run an object through the create or update path as the store does. */
import type { FieldError, KubeObject, ResourceType, StrategyContext } from '../types.js';

export const NOW = new Date('2024-05-01T12:00:00Z');
export const ctx: StrategyContext = { now: NOW };

/** prepareForCreate -> defaults -> validate; returns the errors (the object is changed in place). */
export function create(rt: ResourceType, obj: KubeObject): FieldError[] {
  rt.strategy.prepareForCreate?.(obj, ctx);
  rt.strategy.defaults?.(obj);
  return rt.strategy.validate?.(obj, undefined) ?? [];
}

/** prepareForUpdate -> defaults -> validate(obj, old). */
export function update(rt: ResourceType, obj: KubeObject, old: KubeObject): FieldError[] {
  rt.strategy.prepareForUpdate?.(obj, old, ctx);
  rt.strategy.defaults?.(obj);
  return rt.strategy.validate?.(obj, old) ?? [];
}

/** `field: message` lines, as the 422 message lists them. */
export function lines(errs: readonly FieldError[]): string[] {
  return errs.map((e) => `${e.field}: ${e.message}`);
}

export function ago(seconds: number): string {
  return new Date(NOW.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
