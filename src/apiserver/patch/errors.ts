/**
 * Errors of the patch machinery and their translation to ApiError, following the codes the
 * upstream API server gives: a malformed patch document is 400 BadRequest; a JSON patch
 * operation that cannot be applied (failed `test`, missing path) and the strategic merge
 * errors upstream maps to 422 are 422 Invalid; apply conflicts are 409 Conflict with one
 * FieldManagerConflict cause per field.
 */
import { ApiError, errors } from '../../machinery/errors.js';

/** Thrown inside the patch code only; the public functions turn it into an ApiError value. */
export class PatchError extends Error {
  constructor(message: string, readonly code: 400 | 422 = 400) {
    super(message);
    this.name = 'PatchError';
  }
}

/** What a patch function returns: the patched object, or the error to send to the client. */
export type PatchResult<T> = { readonly object: T; readonly error?: undefined } | { readonly object?: undefined; readonly error: ApiError };

/** Runs a patch computation, turning PatchError (and JSON parse errors) into a 400/422 ApiError value. */
export function catchPatchError<T>(run: () => T): PatchResult<T> {
  try {
    return { object: run() };
  } catch (err: unknown) {
    if (err instanceof ApiError) return { error: err };
    if (err instanceof PatchError) {
      return { error: err.code === 422 ? unprocessable(err.message) : errors.badRequest(err.message) };
    }
    if (err instanceof SyntaxError) return { error: errors.badRequest(err.message) };
    throw err;
  }
}

/**
 * 422 as upstream's NewGenericServerResponse builds it: kubectl prints
 * `The request is invalid: the server rejected our request due to an error in our request`.
 */
export function unprocessable(serverMessage: string): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message: serverMessage }],
  });
}

/** One field owned by another manager that an apply would change. */
export interface ApplyConflict {
  /** The other manager as upstream prints it: `"kubectl-client-side-apply" using v1`, or `"kubectl"`. */
  readonly manager: string;
  /** The field path as upstream prints it: `.spec.containers[name="nginx"].image`. */
  readonly field: string;
}

/** The 409 that a conflicting server-side apply returns (upstream's NewApplyConflict). */
export function applyConflictError(conflicts: readonly ApplyConflict[]): ApiError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: c.field }));
  return new ApiError(409, 'Conflict', applyConflictMessage(conflicts), { causes });
}

export function applyConflictMessage(conflicts: readonly ApplyConflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only) return `Apply failed with 1 conflict: conflict with ${only.manager}: ${only.field}`;
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${manager}:`);
    for (const field of byManager.get(manager) ?? []) lines.push(`- ${field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}
