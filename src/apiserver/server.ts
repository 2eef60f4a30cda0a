/**
 * The API server: HTTPS with client-certificate (or bearer token) authentication, one
 * request pipeline wrapped so no request can crash the process or leak a raw exception, and
 * start-up that does only what serving needs (store, CRDs, system namespaces).
 */
import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import { DEFAULT_CIPHERS } from 'node:tls';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino, destination, type Logger } from 'pino';
import type { KubeObject, ResourceType } from '../api/types.js';
import { ApiError, errors } from '../machinery/errors.js';
import type { Store } from '../store/types.js';
import { authenticate, isPublicPath, type User } from './auth/authn.js';
import { selfSubjectReviewPath, serveSelfSubjectReview } from './auth/self-subject-review.js';
import { createInProcessTransport } from './in-process.js';
import type { Transport } from '../client/transport.js';
import { writeKubeconfig } from './auth/kubeconfig.js';
import { ensurePki, ensureToken, serverSans } from './auth/pki.js';
import type { Catalog } from './catalog.js';
import type { ApiContext, WriteHooks } from './context.js';
import { CrdManager, isCrdType } from './crds.js';
import { serveDiscovery, versionInfo } from './discovery.js';
import { parseTarget, splitUrl } from './http/request-info.js';
import { sendError, sendJson } from './http/respond.js';
import { createMetrics } from './metrics.js';
import { ensureSystemNamespaces, NamespaceFinalizer } from './namespaces.js';
import { createOpenApiService } from './openapi.js';
import type { Patcher } from './patcher.js';
import { handleResource, pathNotFound, verbOf, type SubresourceHandler } from './resource-handler.js';
import { ObjectStorage } from './storage/objects.js';
import { serveOpenApi } from './openapi-handler.js';
import { handleUpgrade, type UpgradeHandler } from './upgrade.js';
import type { Duplex } from 'node:stream';
import { startCompactor } from './compactor.js';
import { ServiceAllocator } from './allocators/service-ips.js';
import { ensureKubernetesService } from './bootstrap.js';
import { createPatcher } from './patch-adapter.js';
import type { OpenApiSchema } from '../api/openapi-types.js';

export interface ApiServerOptions {
  readonly dataDir: string;
  /** Address to listen on (default 0.0.0.0). */
  readonly bindAddress?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly store: Store;
  readonly catalog: Catalog;
  /** Defaults to the patch engine over the server's OpenAPI schemas. */
  readonly patcher?: Patcher;
  readonly logger?: Logger;
  readonly now?: () => Date;
  readonly bookmarkIntervalMs?: number;
  /** Store compaction: every intervalMs keep `retain` revisions of history (default 5 min, 10000). */
  readonly compaction?: { readonly intervalMs: number; readonly retain: number };
  /**
   * Handlers for subresources served elsewhere (the node agent's pods/log, exec, attach,
   * portforward), keyed `group/plural/subresource`, e.g. `/pods/log`. They get the live object.
   */
  readonly subresourceHandlers?: ReadonlyMap<string, SubresourceHandler>;
  /** Handlers for upgraded connections (WebSocket/SPDY exec, attach, portforward), keyed the same way. */
  readonly upgradeHandlers?: ReadonlyMap<string, UpgradeHandler>;
  /**
   * Paths served before authentication, which do their own (the node join endpoints of
   * src/join: anonymous /cacerts, bootstrap-token /v1-skiff/join). Returns true when it answered.
   */
  readonly preAuthHandler?: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;
}

export interface RunningApiServer {
  readonly url: string;
  readonly port: number;
  readonly kubeconfigPath: string;
  readonly token: string;
  /**
   * A transport into this server's request handler for clients in the same process (no
   * TLS, no HTTP, object bodies not re-encoded); requests are authenticated as `user`
   * (default: the kubeconfig's admin). Use it with `new RestClient(conn, { transport })`.
   */
  inProcessTransport(user?: User): Transport;
  /** Stops accepting requests, ends watches, closes the store. Idempotent. */
  close(): Promise<void>;
}

export async function startApiServer(o: ApiServerOptions): Promise<RunningApiServer> {
  const logger = o.logger ?? pino({ level: process.env.SKIFF_LOG_LEVEL ?? 'info' }, destination(2));
  const bind = o.bindAddress ?? '0.0.0.0';
  mkdirSync(o.dataDir, { recursive: true });
  const pki = await ensurePki(join(o.dataDir, 'pki'), serverSans(bind));
  // DATA_DIR/token is the node join token (src/join); the admin bearer token lives apart.
  const token = ensureToken(join(o.dataDir, 'admin-token'));
  const closing = new AbortController();
  // Every open watch listens for the close; there may be many.
  setMaxListeners(0, closing.signal);
  const metrics = createMetrics();
  const hooks: WriteHooks = {
    afterWrite: (rt, type, obj) => onWrite(rt, type, obj),
    beforeStore: async (rt, obj, old) => {
      if (rt.group === '' && rt.kind === 'Service') await services.allocate(obj, old);
    },
  };
  const customSchemas: Record<string, OpenApiSchema> = {};
  const openapi = createOpenApiService(o.catalog, () => customSchemas);
  const ctx: ApiContext = {
    storage: new ObjectStorage(o.store), catalog: o.catalog, patcher: o.patcher ?? createPatcher(openapi.schemaResolver), openapi,
    logger, now: o.now ?? (() => new Date()), hooks, bookmarkIntervalMs: o.bookmarkIntervalMs ?? 15_000, closing: closing.signal,
    isCustom: (rt) => crds.isCustom(rt),
    subresourceHandlers: o.subresourceHandlers ?? new Map(),
  };
  const crds = new CrdManager(ctx, customSchemas);
  const serviceType = o.catalog.get('', 'v1', 'services');
  const services = new ServiceAllocator(async () => (serviceType ? (await ctx.storage.list(serviceType, undefined, {})).items : []));
  const namespaces = new NamespaceFinalizer(ctx);
  function onWrite(rt: ResourceType, type: 'create' | 'update' | 'delete', obj: KubeObject): void {
    if (isCrdType(rt)) {
      if (type === 'delete') crds.unregister(obj).catch((err: unknown) => logger.error({ err }, 'removing custom resources failed'));
      else crds.register(obj);
    }
    if (rt.group === '' && rt.kind === 'Namespace' && type !== 'delete' && obj.metadata?.deletionTimestamp) namespaces.enqueue(obj.metadata.name ?? '');
  }

  const crdType = o.catalog.get('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
  if (crdType) await crds.loadAll(crdType);
  await ensureSystemNamespaces(ctx);
  await namespaces.resume();
  const compactor = startCompactor(o.store, o.compaction ?? { intervalMs: 5 * 60_000, retain: 10_000 }, logger);

  let bootstrapDone = false;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    const url = splitUrl(req.url ?? '/');
    let verb = req.method ?? 'GET';
    let resource = '';
    try {
      const target = parseTarget(url.pathname);
      if (target.kind === 'resource') {
        verb = verbOf(req.method ?? 'GET', target, url.query);
        resource = `${target.plural}${target.subresource ? `/${target.subresource}` : ''}`;
      }
      if (o.preAuthHandler && (await o.preAuthHandler(req, res, url.pathname))) return;
      if (!isPublicPath(url.pathname) && !authenticate(req, token)) throw errors.unauthorized();
      await route(req, res, url, target);
    } catch (err: unknown) {
      if (err instanceof ApiError) {
        sendError(res, err);
      } else {
        logger.error({ err, method: req.method, url: req.url }, 'request failed unexpectedly');
        sendError(res, errors.internal(err instanceof Error ? err.message : String(err)));
      }
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observe(verb, resource, res.statusCode, seconds);
      logger.debug({ verb, url: req.url, code: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: ReturnType<typeof splitUrl>, target: ReturnType<typeof parseTarget>): Promise<void> => {
    const p = url.pathname;
    if (p === '/healthz' || p === '/livez' || p === '/readyz') {
      const ready = p !== '/readyz' || bootstrapDone;
      res.writeHead(ready ? 200 : 503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(ready ? 'ok' : '[-]poststarthook/bootstrap-kubernetes-service failed: not finished');
      return;
    }
    if (p === '/version') return sendJson(res, 200, versionInfo);
    if (p === '/metrics') {
      const { contentType, text } = await metrics.render();
      res.writeHead(200, { 'Content-Type': contentType });
      res.end(text);
      return;
    }
    if (p === '/' ) return sendJson(res, 200, { paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/metrics', '/openapi/v3', '/readyz', '/version'] });
    if (p.startsWith('/openapi/')) return serveOpenApi(ctx, req, res, url);
    const review = selfSubjectReviewPath.exec(p);
    if (review) return serveSelfSubjectReview(req, res, review[1] ?? 'v1');
    if (req.method === 'GET' && serveDiscovery(ctx, req, res, p)) return;
    if (target.kind === 'resource') return handleResource(ctx, req, res, target, url.query);
    throw pathNotFound();
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err }, 'request handler crashed');
      if (!res.headersSent) sendError(res, errors.internal('request handler crashed'));
      else res.destroy();
    });
  };
  const server: Server = createHttpsServer({
    key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert, requestCert: true, rejectUnauthorized: false,
    // TLS 1.2 clients that send no signature_algorithms (busybox wget inside pods) get the
    // RFC 5246 default (RSA+SHA1) for the handshake signature, as Go's kube-apiserver allows;
    // OpenSSL 3 refuses that above security level 0. The ciphers stay Node's default list.
    ciphers: `${DEFAULT_CIPHERS}:@SECLEVEL=0`,
  }, listener);
  server.keepAliveTimeout = 60_000;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => logger.debug({ err }, 'upgraded socket error'));
    void handleUpgrade(ctx, o.upgradeHandlers ?? new Map(), token, req, socket, head);
  });
  server.on('clientError', (err, socket) => {
    logger.debug({ err }, 'client error');
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 6443, bind, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const host = bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const kubeconfigPath = join(o.dataDir, 'kubeconfig.yaml');
  writeKubeconfig(kubeconfigPath, url, pki);
  // The `kubernetes` Service and Endpoints are written after start returns, as upstream's
  // bootstrap controller does: the first write builds the OpenAPI schema index for
  // managedFields (a few hundred ms), which need not delay serving. /readyz says 503 until done.
  const bootstrapped = ensureKubernetesService(ctx, host, port)
    .catch((err: unknown) => logger.warn({ err }, 'could not write the kubernetes service'))
    .finally(() => { bootstrapDone = true; });

  let closed: Promise<void> | undefined;
  return {
    url, port, kubeconfigPath, token,
    inProcessTransport: (user?: User) => createInProcessTransport(listener, user),
    close() {
      closed ??= (async () => {
        await bootstrapped;
        closing.abort();
        namespaces.stop();
        compactor.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await o.store.close();
      })();
      return closed;
    },
  };
}
