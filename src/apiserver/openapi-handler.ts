/**
 * /openapi/v3 (root index) and /openapi/v3/<gv> documents with ETag and Cache-Control so
 * kubectl's HTTP cache can serve repeats. /openapi/v2 is a Swagger 2.0 document without
 * definitions (see openapi-v2.ts): kubectl uses v3 for explain and the server validates fields,
 * but kubectl asks v2 before it applies a `kind: List` and fails on a 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context.js';
import { sendJson } from './http/respond.js';
import { pathNotFound } from './resource-handler.js';
import { serveOpenApiV2 } from './openapi-v2.js';

export function serveOpenApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: { pathname: string; query: URLSearchParams }): void {
  const p = url.pathname.replace(/\/+$/, '');
  if (req.method === 'GET' && p === '/openapi/v2') return serveOpenApiV2(req, res);
  if (req.method !== 'GET' || !p.startsWith('/openapi/v3')) throw pathNotFound();
  if (p === '/openapi/v3') {
    sendJson(res, 200, ctx.openapi.rootIndex());
    return;
  }
  const gv = p.slice('/openapi/v3/'.length);
  const doc = ctx.openapi.document(gv);
  if (!doc) throw pathNotFound();
  const etag = `"${doc.hash}"`;
  const hashed = url.query.get('hash');
  const headers: Record<string, string> = {
    'Content-Type': 'application/json', ETag: etag,
    'Cache-Control': hashed === doc.hash ? 'public, immutable, max-age=31536000' : 'no-cache, private',
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  // A stale hash gets a redirect to the current one, as upstream does.
  if (hashed && hashed !== doc.hash) {
    res.writeHead(301, { Location: `/openapi/v3/${gv}?hash=${doc.hash}`, 'Cache-Control': 'no-cache, private' });
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(doc.body) });
  res.end(doc.body);
}
