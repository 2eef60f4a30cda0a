/**
 * Errors the REST client returns to its callers. A server answer that is not 2xx becomes a
 * StatusError carrying the server's metav1.Status (or one synthesised from the HTTP code when
 * the body is not a Status), so callers can branch on `reason` as client-go users do.
 */
import type { Status } from '../machinery/errors.js';

export class StatusError extends Error {
  constructor(readonly status: Status, options?: { cause?: unknown }) {
    super(status.message ?? `the server responded with code ${status.code}`, options);
    this.name = 'StatusError';
  }
  get code(): number { return this.status.code; }
  get reason(): string { return this.status.reason ?? ''; }
}

/** Reason kubectl shows for a bare HTTP code when the body is not a Status (as client-go). */
const reasonByCode: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Gone', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType',
  422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

/** Messages client-go uses when the server's body says nothing useful. */
const messageByCode: Record<number, string> = {
  401: 'Unauthorized', 403: 'Forbidden', 404: 'the server could not find the requested resource',
  405: 'the server does not allow this method on the requested resource',
  409: 'the server reported a conflict', 500: 'an error on the server has prevented the request from succeeding',
  503: 'the server is currently unable to handle the request',
};

export function isStatus(body: unknown): body is Status {
  return typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'Status';
}

/** Builds the error for a non-2xx answer from its parsed body (if any) and code. */
export function statusErrorFrom(code: number, body: unknown, rawBody: string): StatusError {
  if (isStatus(body)) {
    const status: Status = { ...body, code: body.code || code };
    return new StatusError(status);
  }
  const message = messageByCode[code] ?? (rawBody.trim() || `unknown (${code})`);
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason: reasonByCode[code] ?? 'Unknown', message });
}

export function isNotFound(err: unknown): boolean {
  return err instanceof StatusError && err.code === 404;
}
