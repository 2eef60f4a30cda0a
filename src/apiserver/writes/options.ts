/** Query parameters common to writes: dryRun, fieldManager, fieldValidation. */
import { errors } from '../../machinery/errors.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  readonly dryRun: boolean;
  readonly fieldManager: string;
  readonly fieldValidation: FieldValidation;
  /** Filled while the write runs; sent back as Warning headers. */
  readonly warnings: string[];
}

/** Upstream's default manager: the user agent's program name (`kubectl/v1.32` -> `kubectl`). */
function managerFromUserAgent(ua: string | undefined): string {
  const name = (ua ?? '').split('/')[0]?.trim() ?? '';
  return name.slice(0, 128) || 'unknown';
}

export function parseWriteOptions(query: URLSearchParams, userAgent: string | undefined, opts: { apply?: boolean } = {}): WriteOptions {
  const dryRun = query.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  const fv = query.get('fieldValidation') ?? 'Warn';
  const known: Record<string, FieldValidation> = { strict: 'Strict', warn: 'Warn', ignore: 'Ignore' };
  const fieldValidation = known[fv.toLowerCase()];
  if (!fieldValidation) throw errors.badRequest(`fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`);
  const explicitManager = query.get('fieldManager');
  if (opts.apply && !explicitManager) throw errors.badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  if (explicitManager !== null && explicitManager.length > 128) throw errors.badRequest('fieldManager: Too long: may not be more than 128 bytes');
  return { dryRun: dryRun.length > 0, fieldManager: explicitManager || managerFromUserAgent(userAgent), fieldValidation, warnings: [] };
}
