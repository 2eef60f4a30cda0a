/**
 * Registry failures as values the commands can print the way podman does
 * (`reading manifest 1 in 127.0.0.1:5000/a: manifest unknown: manifest unknown`), keeping
 * the HTTP status and the distribution API's error codes for callers that branch on them.
 */

export interface RegistryErrorDetail {
  code: string;
  message?: string;
}

export class RegistryError extends Error {
  readonly code = 'REGISTRY_ERROR';
  constructor(
    message: string,
    readonly status: number,
    readonly errors: readonly RegistryErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RegistryError';
  }

  /** True when the registry said the thing asked for is not there (404 or a *_UNKNOWN code). */
  get notFound(): boolean {
    return this.status === 404 || this.errors.some((e) => /_UNKNOWN$/.test(e.code));
  }

  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/** The distribution API's `{"errors":[{code,message,detail}]}` body, when there is one. */
export function parseErrorBody(body: Buffer): RegistryErrorDetail[] {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: unknown };
    if (!Array.isArray(parsed.errors)) return [];
    return parsed.errors
      .filter((e): e is { code: string; message?: unknown } => typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string')
      .map((e) => ({ code: e.code, ...(typeof e.message === 'string' ? { message: e.message } : {}) }));
  } catch {
    return []; // not JSON (a proxy's HTML page, an empty body): the status line says enough
  }
}

/** `what: manifest unknown: manifest unknown`, or the HTTP status when the body had no errors. */
export function describeFailure(what: string, status: number, details: readonly RegistryErrorDetail[]): string {
  if (details.length === 0) return `${what}: unexpected HTTP status ${status}`;
  const text = details.map((d) => `${d.code.toLowerCase().replace(/_/g, ' ')}${d.message ? `: ${d.message}` : ''}`).join('; ');
  return `${what}: ${text}`;
}
