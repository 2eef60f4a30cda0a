/**
 * The in-process transport: components running inside the server process (scheduler,
 * controllers, node agent) send requests straight into the server's request handler, with
 * no TLS, no sockets and no HTTP framing. Each request is a real IncomingMessage and each
 * answer a ServerResponse whose output goes to the caller instead of a socket, so the
 * request takes exactly the path an HTTPS request takes after the socket: authentication
 * (the transport's fixed identity), routing, admission, validation, storage, watch. Object
 * bodies of POST and PUT are handed over without JSON encoding (the handlers copy them
 * before changing anything).
 */
import { IncomingMessage, ServerResponse, type OutgoingHttpHeader, type OutgoingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import type { Transport, TransportRequest, TransportResponse } from '../client/transport.js';
import { setInProcessUser, type User } from './auth/authn.js';
import { attachObjectBody } from './http/body.js';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The identity of in-process clients unless told otherwise: the admin of the kubeconfig. */
export const inProcessAdmin: User = { name: 'admin', groups: ['system:masters'] };

/** Text chunks handed from the response to the caller, with a wait for the next one. */
class ChunkQueue {
  private readonly chunks: string[] = [];
  private done = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  push(chunk: string): void {
    if (this.done || chunk === '') return;
    this.chunks.push(chunk);
    this.notify();
  }

  finish(err?: Error): void {
    if (this.done) return;
    this.done = true;
    this.failure = err;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async *drain(): AsyncGenerator<string> {
    for (;;) {
      if (this.chunks.length > 0) {
        // Everything already written goes out as one chunk: a watch that fell behind catches up at once.
        const all = this.chunks.length === 1 ? (this.chunks[0] as string) : this.chunks.join('');
        this.chunks.length = 0;
        yield all;
        continue;
      }
      if (this.done) {
        if (this.failure) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
  }
}

function textOf(chunk: unknown, encoding?: BufferEncoding): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString(encoding ?? 'utf8');
  return '';
}

/** A ServerResponse whose head and body go to the in-process caller. */
class InProcessResponse extends ServerResponse {
  readonly queue = new ChunkQueue();
  private started = false;
  private ended = false;
  readonly head: Promise<void>;
  private markStarted!: () => void;

  constructor(req: IncomingMessage) {
    super(req);
    this.head = new Promise<void>((resolve) => { this.markStarted = resolve; });
    // node's headersSent is a prototype getter over its socket state, which we bypass.
    Object.defineProperty(this, 'headersSent', { get: () => this.started });
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.markStarted();
  }

  override writeHead(statusCode: number, reasonOrHeaders?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    this.statusCode = statusCode;
    const h = typeof reasonOrHeaders === 'string' ? headers : reasonOrHeaders;
    if (Array.isArray(h)) {
      for (let i = 0; i + 1 < h.length; i += 2) this.setHeader(String(h[i]), h[i + 1] as OutgoingHttpHeader);
    } else if (h) {
      for (const [k, v] of Object.entries(h)) if (v !== undefined) this.setHeader(k, v);
    }
    return this;
  }

  override flushHeaders(): void {
    this.start();
  }

  override write(chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean {
    this.start();
    this.queue.push(textOf(chunk, typeof encodingOrCallback === 'string' ? encodingOrCallback as BufferEncoding : undefined));
    const cb = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof cb === 'function') queueMicrotask(() => (cb as (err?: Error | null) => void)(null));
    return true;
  }

  override end(chunk?: unknown, encodingOrCallback?: unknown, callback?: unknown): this {
    if (this.ended) return this;
    if (typeof chunk === 'function') return this.end(undefined, undefined, chunk);
    this.start();
    if (chunk !== undefined && chunk !== null) this.queue.push(textOf(chunk, typeof encodingOrCallback === 'string' ? encodingOrCallback as BufferEncoding : undefined));
    this.ended = true;
    this.queue.finish();
    const cb = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    queueMicrotask(() => {
      if (typeof cb === 'function') (cb as () => void)();
      this.emit('finish');
      this.emit('close');
    });
    return this;
  }

  override destroy(error?: Error): this {
    if (this.ended) return this;
    this.start();
    this.ended = true;
    this.queue.finish(error ?? new Error('the server ended the response early'));
    queueMicrotask(() => this.emit('close'));
    return this;
  }

  /** The caller went away (its signal aborted): long-running handlers such as watches end. */
  abortFromCaller(req: IncomingMessage): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.finish();
    req.emit('close');
    this.emit('close');
  }

  responseHeaders(): Record<string, string | string[] | undefined> {
    const out: Record<string, string | string[] | undefined> = {};
    for (const [k, v] of Object.entries(this.getHeaders())) out[k] = Array.isArray(v) ? v.map(String) : v === undefined ? undefined : String(v);
    return out;
  }
}

/**
 * A Transport into `listener` (the server's request handler) as `user`. Requests never
 * touch a socket; the one placeholder socket only satisfies IncomingMessage's constructor.
 */
export function createInProcessTransport(listener: RequestListener, user: User = inProcessAdmin): Transport {
  const placeholder = new Socket();
  return {
    async send(r: TransportRequest): Promise<TransportResponse> {
      const req = new IncomingMessage(placeholder);
      req.method = r.method;
      req.url = r.query ? `${r.path}?${r.query}` : r.path;
      req.httpVersion = '1.1';
      req.httpVersionMajor = 1;
      req.httpVersionMinor = 1;
      const headers: Record<string, string> = { ...r.headers };
      if (r.body !== undefined) {
        const passObject = typeof r.body !== 'string' && (r.method === 'POST' || r.method === 'PUT') && (headers['content-type'] ?? 'application/json').startsWith('application/json');
        if (passObject) {
          attachObjectBody(req, r.body);
          headers['content-length'] = '0';
        } else {
          const payload = Buffer.from(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
          headers['content-length'] = String(payload.length);
          req.push(payload);
        }
      }
      req.headers = headers;
      req.push(null);
      req.complete = true;
      setInProcessUser(req, user);
      const res = new InProcessResponse(req);
      if (r.signal?.aborted) throw r.signal.reason instanceof Error ? r.signal.reason : new Error('the request was aborted');
      const onAbort = (): void => res.abortFromCaller(req);
      r.signal?.addEventListener('abort', onAbort, { once: true });
      res.once('close', () => r.signal?.removeEventListener('abort', onAbort));
      listener(req, res);
      await res.head;
      const status = res.statusCode;
      const responseHeaders = res.responseHeaders();
      let consumed = false;
      const take = (): AsyncGenerator<string> => {
        if (consumed) throw new Error('the response body was already read');
        consumed = true;
        return res.queue.drain();
      };
      return {
        status, headers: responseHeaders,
        chunks: take,
        async text() {
          let text = '';
          for await (const c of take()) text += c;
          return text;
        },
      };
    },
  };
}
