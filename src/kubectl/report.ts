/**
 * Error messages in kubectl's words. Commands record failures as they go (and carry on with
 * the next object); at the end they are printed as kubectl's CheckErr does: one Invalid
 * error as `The Pod "x" is invalid: field: message`, others as
 * `Error from server (Reason): message` or `error: message`.
 */
import { StatusError } from '../client/index.js';
import type { IO } from './factory.js';

export interface Failure {
  err: unknown;
  /** `error when creating "pod.yaml"`: prefixed to the server's message, as AddSourceToErr. */
  context?: string | undefined;
}

/** An error kubectl prints as is, without `error: ` (e.g. `Error in configuration: ...`). */
export class PlainMessageError extends Error {}

/** The standard one-line form (what kubectl prints for each of several errors). */
export function errorText(err: unknown, context?: string): string {
  if (err instanceof StatusError) {
    const reason = err.status.reason && err.status.reason !== 'Unknown' ? ` (${err.status.reason})` : '';
    const prefix = context ? `${context}: ` : '';
    return `Error from server${reason}: ${prefix}${err.message}`;
  }
  if (err instanceof PlainMessageError) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  // Client-side failures (mapping, parsing) read the same whatever the verb.
  return `error: ${message}`;
}

/** kubectl's special form for a lone 422 Invalid. */
function invalidText(err: StatusError): string {
  const d = err.status.details;
  let head = 'The request is invalid';
  if (d && (d.kind || d.name)) head = `The ${d.kind ?? ''} "${d.name ?? ''}" is invalid`;
  const causes = (d?.causes ?? []).map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : c.message ?? ''));
  if (causes.length === 0) return d ? head : `${head}: ${err.message}`;
  if (causes.length === 1) return `${head}: ${causes[0] ?? ''}`;
  return `${head}: \n${causes.map((c) => `* ${c}`).join('\n')}`;
}

export function printFailures(io: IO, failures: readonly Failure[]): void {
  if (failures.length === 1) {
    const only = failures[0] as Failure;
    if (only.err instanceof StatusError && only.err.status.reason === 'Invalid') {
      io.err(`${invalidText(only.err)}\n`);
      return;
    }
  }
  for (const f of failures) io.err(`${errorText(f.err, f.context)}\n`);
}

/** Prints one error immediately (for streams where kubectl does the same, e.g. watch). */
export function reportError(io: IO, err: unknown, context?: string): void {
  io.err(`${errorText(err, context)}\n`);
}
