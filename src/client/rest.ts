/**
 * A small REST client for the Kubernetes API over http(s): client certificates, CA data,
 * bearer tokens; JSON requests and answers; line-delimited watch streams. Every non-2xx
 * answer becomes a StatusError. One RestClient owns one keep-alive agent; `close()` ends it.
 */
import http from 'node:http';
import https from 'node:https';
import type { ConnectionConfig } from './kubeconfig.js';
import { statusErrorFrom } from './errors.js';
import type { Transport, TransportRequest } from './transport.js';

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  /** Sent as JSON unless it is already a string. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface WatchEvent<T = unknown> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface RestClientOptions {
  /**
   * Sends requests through this transport instead of HTTP(S) (e.g. the API server's
   * in-process transport); the connection's credentials are then not used, the transport
   * carries its own identity.
   */
  readonly transport?: Transport;
}

export class RestClient {
  private readonly agent: http.Agent;
  private readonly base: URL;
  private readonly transport: Transport | undefined;
  /** Extra headers on every request (e.g. a User-Agent). */
  readonly defaultHeaders: Record<string, string> = {};

  constructor(readonly connection: ConnectionConfig, options: RestClientOptions = {}) {
    this.transport = options.transport;
    this.base = new URL(connection.server);
    if (this.base.protocol === 'https:') {
      const opts: https.AgentOptions = { keepAlive: true, rejectUnauthorized: !connection.insecureSkipTLSVerify };
      if (connection.caPem) opts.ca = connection.caPem;
      if (connection.certPem) opts.cert = connection.certPem;
      if (connection.keyPem) opts.key = connection.keyPem;
      if (connection.tlsServerName) opts.servername = connection.tlsServerName;
      this.agent = new https.Agent(opts);
    } else {
      this.agent = new http.Agent({ keepAlive: true });
    }
  }

  close(): void {
    this.agent.destroy();
  }

  /** The full URL for a path and query (also what kubectl prints in `cluster-info`). */
  url(path: string, query?: Query): URL {
    const u = new URL(this.base.pathname.replace(/\/$/, '') + path, this.base);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v as readonly string[]) u.searchParams.append(k, item);
      else u.searchParams.set(k, String(v));
    }
    return u;
  }

  private open(opts: RequestOptions): Promise<http.IncomingMessage> {
    const url = this.url(opts.path, opts.query);
    const headers: Record<string, string> = { ...this.defaultHeaders, Accept: opts.accept ?? 'application/json', ...opts.headers };
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    if (this.connection.token) headers['Authorization'] = `Bearer ${this.connection.token}`;
    else if (this.connection.username !== undefined) {
      headers['Authorization'] = `Basic ${Buffer.from(`${this.connection.username}:${this.connection.password ?? ''}`).toString('base64')}`;
    }
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolvePromise, reject) => {
      const req = mod.request(url, { method: opts.method ?? 'GET', headers, agent: this.agent, signal: opts.signal }, resolvePromise);
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  private transportRequest(opts: RequestOptions): TransportRequest {
    const url = this.url(opts.path, opts.query);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...this.defaultHeaders, Accept: opts.accept ?? 'application/json', ...opts.headers })) headers[k.toLowerCase()] = v;
    if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    return {
      method: opts.method ?? 'GET', path: url.pathname, query: url.search.slice(1), headers,
      ...(opts.body !== undefined ? { body: opts.body } : {}), ...(opts.signal ? { signal: opts.signal } : {}),
    };
  }

  /** Sends a request and returns the answer whatever its code. */
  async raw(opts: RequestOptions): Promise<RawResponse> {
    if (this.transport) {
      const res = await this.transport.send(this.transportRequest(opts));
      return { status: res.status, headers: res.headers as http.IncomingHttpHeaders, body: await res.text() };
    }
    const res = await this.open(opts);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
  }

  /** Sends a request; returns the parsed JSON body of a 2xx answer, throws StatusError otherwise. */
  async request<T = unknown>(opts: RequestOptions): Promise<T> {
    const res = await this.raw(opts);
    let parsed: unknown;
    try {
      parsed = res.body === '' ? undefined : JSON.parse(res.body);
    } catch (err: unknown) {
      if (res.status >= 200 && res.status < 300) {
        const ct = String(res.headers['content-type'] ?? '');
        if (!ct.includes('json')) return res.body as unknown as T;
        throw new Error(`invalid JSON from ${opts.path}`, { cause: err });
      }
    }
    if (res.status < 200 || res.status > 299) throw statusErrorFrom(res.status, parsed, res.body);
    return parsed as T;
  }

  get<T = unknown>(path: string, query?: Query, accept?: string): Promise<T> {
    return this.request<T>({ path, ...(query ? { query } : {}), ...(accept ? { accept } : {}) });
  }

  create<T = unknown>(path: string, body: unknown, query?: Query): Promise<T> {
    return this.request<T>({ method: 'POST', path, body, ...(query ? { query } : {}) });
  }

  update<T = unknown>(path: string, body: unknown, query?: Query): Promise<T> {
    return this.request<T>({ method: 'PUT', path, body, ...(query ? { query } : {}) });
  }

  patch<T = unknown>(path: string, body: unknown, contentType: string, query?: Query): Promise<T> {
    return this.request<T>({ method: 'PATCH', path, body, contentType, ...(query ? { query } : {}) });
  }

  delete<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.request<T>({ method: 'DELETE', path, ...(body !== undefined ? { body } : {}), ...(query ? { query } : {}) });
  }

  /**
   * Opens a watch (`watch=true` is added) and yields events until the server ends the
   * stream or `signal` aborts (then the iteration just ends).
   */
  async *watch<T = unknown>(path: string, query: Query, opts: { accept?: string; signal?: AbortSignal } = {}): AsyncGenerator<WatchEvent<T>> {
    const request: RequestOptions = { path, query: { ...query, watch: 'true' }, ...(opts.accept ? { accept: opts.accept } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
    let status: number;
    let body: AsyncIterable<string | Buffer>;
    try {
      if (this.transport) {
        const res = await this.transport.send(this.transportRequest(request));
        status = res.status;
        body = res.chunks();
      } else {
        const res = await this.open(request);
        status = res.statusCode ?? 0;
        body = res as AsyncIterable<Buffer>;
      }
    } catch (err: unknown) {
      if (opts.signal?.aborted) return;
      throw err;
    }
    if (status >= 300) {
      let text = '';
      for await (const c of body) text += typeof c === 'string' ? c : c.toString('utf8');
      let parsed: unknown;
      try { parsed = JSON.parse(text); } catch { parsed = undefined; /* a non-JSON error body is reported by code */ }
      throw statusErrorFrom(status, parsed, text);
    }
    let buffered = '';
    try {
      for await (const chunk of body) {
        buffered += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) yield JSON.parse(line) as WatchEvent<T>;
        }
      }
    } catch (err: unknown) {
      if (opts.signal?.aborted) return;
      throw err;
    }
    if (buffered.trim()) yield JSON.parse(buffered) as WatchEvent<T>;
  }
}
