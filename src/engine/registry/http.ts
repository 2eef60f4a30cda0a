/**
 * The one place the registry client touches the network: a request over node:http or
 * node:https (so `--tls-verify=false` can skip certificate checks, which fetch cannot do
 * without a dispatcher package), with a streamed response body the caller must consume or
 * drain.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A request body: bytes in memory, or a factory so a request can be sent again (auth retry). */
export type RequestBody = Buffer | (() => Readable | AsyncIterable<Buffer>);

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Check TLS certificates (https only). */
  tlsVerify: boolean;
  /** Idle socket timeout; a registry that stops talking this long fails the request. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  url: URL;
  body: IncomingMessage;
}

const DEFAULT_TIMEOUT_MS = 120_000;

export function send(req: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const isHttps = req.url.protocol === 'https:';
    const headers: Record<string, string> = { ...req.headers };
    if (Buffer.isBuffer(req.body)) headers['content-length'] = String(req.body.length);
    const options = { method: req.method, headers, ...(isHttps ? { rejectUnauthorized: req.tlsVerify } : {}) };
    const outgoing = (isHttps ? httpsRequest : httpRequest)(req.url, options, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers, url: req.url, body: res });
    });
    outgoing.setTimeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
      outgoing.destroy(new Error(`${req.method} ${req.url.href}: no answer for ${Math.round((req.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)}s`));
    });
    outgoing.on('error', (err) => reject(new Error(`${req.method} ${req.url.href}: ${err.message}`, { cause: err })));
    if (req.body === undefined) {
      outgoing.end();
    } else if (Buffer.isBuffer(req.body)) {
      outgoing.end(req.body);
    } else {
      const source = req.body();
      const readable = source instanceof Readable ? source : Readable.from(source);
      // A failed body stream destroys the request; the 'error' handler above rejects.
      pipeline(readable, outgoing).catch((err: unknown) => {
        outgoing.destroy(err instanceof Error ? err : new Error(String(err)));
      });
    }
  });
}

/** Reads a whole (small) response body; refuses more than `limit` bytes. */
export async function readBody(res: HttpResponse, limit = 16 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      res.body.destroy();
      throw new Error(`${res.url.href}: response larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Throws away a response body so the socket can be reused or closed. */
export async function drain(res: HttpResponse): Promise<void> {
  try {
    for await (const chunk of res.body) void chunk;
  } catch {
    // The body is unwanted; a connection reset while discarding it changes nothing.
  }
}

export function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
