/**
 * Connection upgrades (WebSocket, SPDY) for streaming subresources such as pods/exec,
 * attach and portforward: authenticated and resolved like any request, then handed with
 * the raw socket to the handler another component registered. Anything else gets an HTTP
 * error answer written on the socket.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../api/types.js';
import { ApiError, errors } from '../machinery/errors.js';
import { authenticate } from './auth/authn.js';
import type { ApiContext } from './context.js';
import { parseTarget, splitUrl } from './http/request-info.js';
import { pathNotFound } from './resource-handler.js';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, target: { namespace: string | undefined; name: string; query: URLSearchParams; object: KubeObject }) => void;

function refuse(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(`HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export async function handleUpgrade(ctx: ApiContext, handlers: ReadonlyMap<string, UpgradeHandler>, token: string, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  try {
    if (!authenticate(req, token)) throw errors.unauthorized();
    const { pathname, query } = splitUrl(req.url ?? '/');
    const t = parseTarget(pathname);
    if (t.kind !== 'resource' || !t.name || !t.subresource) throw pathNotFound();
    const rt = ctx.catalog.get(t.group, t.version, t.plural);
    const handler = rt ? handlers.get(`${rt.group}/${rt.plural}/${t.subresource}`) : undefined;
    if (!rt || !handler || (t.namespace !== undefined) !== rt.namespaced) throw pathNotFound();
    const { object } = await ctx.storage.mustGet(rt, t.namespace, t.name);
    handler(req, socket, head, { namespace: t.namespace, name: t.name, query, object });
  } catch (err: unknown) {
    if (err instanceof ApiError) refuse(socket, err);
    else {
      ctx.logger.error({ err, url: req.url }, 'upgrade failed unexpectedly');
      refuse(socket, errors.internal('upgrade failed'));
    }
  }
}
