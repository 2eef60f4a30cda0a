/**
 * How a RestClient reaches an API server when it is not over HTTP(S): a Transport takes one
 * request (method, path, query, headers, body) and answers with a status, headers and a body
 * read as chunks of text. The API server's in-process transport (src/apiserver/in-process.ts)
 * implements it, so components inside the server (scheduler, controllers, node agent) skip
 * TLS, HTTP framing and, for request bodies, JSON encoding, while going through the same
 * authentication identity, admission, validation and watch code as any HTTPS client.
 */

export interface TransportRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path without query, e.g. `/api/v1/namespaces/default/pods`. */
  readonly path: string;
  /** The query string without `?` (may be empty). */
  readonly query: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * A string is sent as it is; any other value is handed over as an object and the
   * transport takes ownership of it: the caller must not change it afterwards.
   */
  readonly body?: unknown;
  /** Aborting ends the request; for a watch, it ends the stream. */
  readonly signal?: AbortSignal;
}

export interface TransportResponse {
  readonly status: number;
  /** Header names in lower case, as node's IncomingHttpHeaders. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as it is produced: a watch yields chunks (whole event lines) as events happen. */
  chunks(): AsyncIterable<string>;
  /** The whole body once it ends. */
  text(): Promise<string>;
}

export interface Transport {
  /** Sends a request; resolves once the status and headers are known. */
  send(request: TransportRequest): Promise<TransportResponse>;
}
