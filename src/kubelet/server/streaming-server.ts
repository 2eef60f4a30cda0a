/**
 * The agent's streaming endpoint, what kubelet's :10250 is to kube-apiserver: an HTTPS server
 * that takes the API server's proxied pods/{log,exec,attach,portforward} requests, on the same
 * paths the API server serves (`/api/v1/namespaces/NS/pods/NAME/SUB`), and hands them to the
 * agent's own handlers (whatever map the agent exposes, upgrades included). Callers must
 * present a client certificate from the cluster CA naming the API server (see
 * isApiServerClient); the pod is read fresh from the API and must be bound to this node.
 */
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { KubeObject } from '../../api/types.js';
import type { SubresourceHandler, UpgradeHandler } from '../../apiserver/index.js';
import { ApiError, errors } from '../../machinery/errors.js';
import { isApiServerClient, type ServingCert } from './serving-cert.js';

export interface StreamingHandlers {
  readonly subresource: ReadonlyMap<string, SubresourceHandler>;
  readonly upgrade: ReadonlyMap<string, UpgradeHandler>;
}

export interface StreamingServerOptions {
  readonly nodeName: string;
  /** Address to listen on; port 0 picks a free one. */
  readonly host: string;
  readonly port: number;
  /** The cluster CA (PEM): client certificates must chain to it. */
  readonly clientCaPem: string;
  readonly serving: ServingCert;
  readonly handlers: StreamingHandlers;
  /** The pod as the API has it now, or undefined when it does not exist. */
  getPod(namespace: string, name: string): Promise<KubeObject | undefined>;
  readonly onError?: (err: unknown) => void;
}

export interface StreamingServer {
  readonly port: number;
  close(): Promise<void>;
}

interface PodTarget { namespace: string; name: string; subresource: string; query: URLSearchParams }

const podPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/([^/]+)$/;

function parseTarget(url: string | undefined): PodTarget | undefined {
  const u = new URL(url ?? '/', 'https://agent');
  const m = podPath.exec(u.pathname);
  if (!m) return undefined;
  return { namespace: decodeURIComponent(m[1] ?? ''), name: decodeURIComponent(m[2] ?? ''), subresource: m[3] ?? '', query: u.searchParams };
}

function statusText(err: ApiError): string { return JSON.stringify(err.toStatus()); }

function refuseSocket(socket: Duplex, err: ApiError): void {
  const body = statusText(err);
  socket.end(`HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : errors.internal(err instanceof Error ? err.message : String(err));
}

export async function startStreamingServer(o: StreamingServerOptions): Promise<StreamingServer> {
  /** Who is calling and on which pod; throws the ApiError to answer with. */
  const resolve = async (req: IncomingMessage): Promise<{ target: PodTarget; object: KubeObject }> => {
    if (!isApiServerClient((req.socket as TLSSocket).getPeerCertificate?.())) throw new ApiError(403, 'Forbidden', 'only the API server may use the node streaming endpoint');
    const target = parseTarget(req.url);
    if (!target) throw errors.badRequest(`no pod subresource at ${req.url ?? ''}`);
    const object = await o.getPod(target.namespace, target.name);
    if (!object) throw errors.notFound('pods', '', target.name);
    const nodeName = (object.spec as { nodeName?: string } | undefined)?.nodeName;
    if (nodeName !== o.nodeName) throw errors.badRequest(`pod ${target.name} is not bound to node ${o.nodeName}`);
    return { target, object };
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      try {
        const { target, object } = await resolve(req);
        const handler = o.handlers.subresource.get(`/pods/${target.subresource}`);
        if (!handler) throw errors.badRequest(`pods/${target.subresource} is not served by this node`);
        await handler(req, res, { namespace: target.namespace, name: target.name, query: target.query, object });
      } catch (err: unknown) {
        const apiErr = asApiError(err);
        if (apiErr.code >= 500) o.onError?.(err);
        if (res.headersSent) { res.destroy(); return; }
        res.writeHead(apiErr.code, { 'Content-Type': 'application/json' });
        res.end(statusText(apiErr));
      }
    })();
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    void (async () => {
      try {
        const { target, object } = await resolve(req);
        const handler = o.handlers.upgrade.get(`/pods/${target.subresource}`);
        if (!handler) throw errors.badRequest(`pods/${target.subresource} is not served by this node`);
        handler(req, socket, head, { namespace: target.namespace, name: target.name, query: target.query, object });
      } catch (err: unknown) {
        const apiErr = asApiError(err);
        if (apiErr.code >= 500) o.onError?.(err);
        refuseSocket(socket, apiErr);
      }
    })();
  };

  const server: Server = createHttpsServer({
    cert: o.serving.certPem, key: o.serving.keyPem, ca: o.clientCaPem,
    // The TLS handshake itself refuses callers without a certificate from the cluster CA.
    requestCert: true, rejectUnauthorized: true,
  }, onRequest);
  server.on('upgrade', onUpgrade);
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => { server.off('error', reject); resolveListen(); });
  });
  const sockets = new Set<Duplex>();
  server.on('secureConnection', (s: TLSSocket) => { sockets.add(s); s.once('close', () => sockets.delete(s)); });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      // Streams in progress (follows, exec sessions, forwards) end with the agent.
      for (const s of sockets) s.destroy();
    }),
  };
}
