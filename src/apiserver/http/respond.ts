/** Writing JSON bodies and Status errors; content negotiation for Tables. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../machinery/errors.js';
import { knownJson } from '../storage/objects.js';

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = knownJson(body) ?? JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, err.code, err.toStatus());
}

export interface TableRequest {
  /** `Object` puts the whole object in each row, `Metadata` a PartialObjectMetadata, `None` nothing. */
  includeObject: 'None' | 'Metadata' | 'Object';
}

/** Whether the Accept header asks for a meta.k8s.io Table (first acceptable entry wins). */
export function wantsTable(req: IncomingMessage, query: URLSearchParams): TableRequest | undefined {
  const accept = req.headers.accept ?? '';
  // Nearly every request asks for plain JSON: skip the parse then.
  if (!accept.includes('Table')) return undefined;
  for (const entry of accept.split(',')) {
    const params = new Map(entry.split(';').slice(1).map((p) => p.trim().split('=') as [string, string]));
    if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io' && (params.get('v') === 'v1' || params.get('v') === 'v1beta1')) {
      const inc = query.get('includeObject');
      return { includeObject: inc === 'None' || inc === 'Object' ? inc : 'Metadata' };
    }
  }
  return undefined;
}

/** Adds a `Warning: 299 - "..."` header per message, as upstream does. */
export function addWarnings(res: ServerResponse, messages: readonly string[]): void {
  if (messages.length === 0) return;
  const values = messages.map((m) => `299 - ${JSON.stringify(m)}`);
  res.setHeader('Warning', values);
}
