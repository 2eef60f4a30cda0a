/**
 * Builds a ResourceStrategy from the few facts that differ between kinds, so each
 * resource file states only what is special about it (upstream's per-kind strategy.go).
 */
import type { FieldError, KubeObject, ResourceStrategy, StrategyContext } from '../types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import type { NameRule } from './names.js';

export interface StrategySpec {
  /** Which syntax object names follow (default: DNS-1123 subdomain). */
  readonly nameRule?: NameRule;
  /**
   * Kinds with a status subresource: status is reset on create (to `initialStatus`, or
   * removed) and carried over from the stored object on main-resource updates.
   */
  readonly hasStatus?: boolean;
  /** Status a new object starts with (e.g. `{ phase: 'Pending' }`); runs after the reset. */
  initialStatus?(obj: KubeObject, ctx: StrategyContext): Record<string, unknown> | undefined;
  /** Extra create-time preparation (after the status reset). */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void;
  /** Extra update-time preparation (after status is carried over). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  defaults?(obj: KubeObject): void;
  /** Kind-specific validation; metadata is validated by the builder. */
  validate?(obj: KubeObject): FieldError[];
  /** Kind-specific update rules (immutable fields); runs in addition to `validate`. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  readonly usesGeneration?: boolean;
}

export function makeStrategy(spec: StrategySpec): ResourceStrategy {
  const rule = spec.nameRule ?? 'subdomain';
  return {
    usesGeneration: spec.usesGeneration ?? spec.hasStatus ?? false,
    prepareForCreate(obj, ctx) {
      if (spec.hasStatus) {
        delete obj['status'];
        const initial = spec.initialStatus?.(obj, ctx);
        if (initial !== undefined) obj['status'] = initial;
      }
      spec.prepareForCreate?.(obj, ctx);
    },
    prepareForUpdate(obj, old, ctx) {
      if (spec.hasStatus) {
        if (old['status'] === undefined) delete obj['status'];
        else obj['status'] = structuredClone(old['status']);
      }
      spec.prepareForUpdate?.(obj, old, ctx);
    },
    defaults(obj) {
      spec.defaults?.(obj);
    },
    validate(obj, old) {
      const errs = old ? validateObjectMetaUpdate(obj, old, rule) : validateObjectMeta(obj, rule);
      if (spec.validate) errs.push(...spec.validate(obj));
      if (old && spec.validateUpdate) errs.push(...spec.validateUpdate(obj, old));
      return errs;
    },
  };
}
