/** Error messages in kubectl's words. */
import { StatusError } from '../client/index.js';
import type { IO } from './factory.js';

/** `Error from server (Reason): message` for API errors, `error: message` otherwise. */
export function errorText(err: unknown, context?: string): string {
  if (err instanceof StatusError) {
    const reason = err.status.reason ? ` (${err.status.reason})` : '';
    const prefix = context ? `${context}: ` : '';
    return `Error from server${reason}: ${prefix}${err.message}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  // Client-side failures (mapping, parsing) read the same whatever the verb.
  return `error: ${message}`;
}

export function reportError(io: IO, err: unknown, context?: string): void {
  io.err(`${errorText(err, context)}\n`);
}
