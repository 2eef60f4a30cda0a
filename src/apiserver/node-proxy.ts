/**
 * pods/{log,exec,attach,portforward} for pods on remote node agents, as kube-apiserver
 * proxies them to the kubelet: when the pod's Node advertises a streaming endpoint
 * (skiff.dev/streaming-endpoint, see src/kubelet/server), the request goes there — plain
 * requests re-issued, upgrades (WebSocket, SPDY) replayed on a TLS connection and then
 * spliced byte for byte — with the API server's kubelet-client certificate, checking the
 * agent's serving certificate against the fingerprint the Node names. Otherwise the
 * in-process agent's handler (registered in the maps we wrap, possibly after start) serves it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { KubeObject } from '../api/types.js';
import { ApiError, errors } from '../machinery/errors.js';
import type { Store } from '../store/types.js';
import { streamingCertAnnotation, streamingEndpointAnnotation } from '../kubelet/server/index.js';
import { ensureKubeletClientCert, type ClientCert } from './node-proxy-cert.js';
import type { SubresourceHandler } from './resource-handler.js';
import { objectKey } from './storage/keys.js';
import type { UpgradeHandler } from './upgrade.js';

export interface NodeProxyOptions {
  readonly store: Store;
  /** DATA_DIR/pki: the CA that signs our client certificate. */
  readonly pkiDir: string;
  /** The in-process agent's handlers (may be filled after the server starts). */
  readonly subresource?: ReadonlyMap<string, SubresourceHandler>;
  readonly upgrade?: ReadonlyMap<string, UpgradeHandler>;
}

const proxiedPlain = ['/pods/log'];
const proxiedUpgrades = ['/pods/exec', '/pods/attach', '/pods/portforward'];
/** Request headers that are ours to set (or the caller's credentials for us, not for the node). */
const droppedHeaders = new Set(['host', 'authorization', 'content-length', 'transfer-encoding']);
/** How long reaching an agent may take; after that the client hears why instead of waiting. */
const DIAL_TIMEOUT_MS = 10_000;

/** Gives up on a TLS connection that is not up in time; once it is, it may idle (log follows, shells). */
function dialDeadline(s: TLSSocket): void {
  s.setTimeout(DIAL_TIMEOUT_MS, () => s.destroy(new Error(`no TLS connection after ${DIAL_TIMEOUT_MS / 1000} s`)));
  s.once('secureConnect', () => s.setTimeout(0));
}

interface Endpoint { readonly url: URL; readonly fingerprint: string | undefined }

/** Handler maps whose `get` adds the proxying and falls back to the wrapped maps' entries. */
class OverlayMap<V> extends Map<string, V> {
  constructor(private readonly own: ReadonlyMap<string, V>, private readonly base: ReadonlyMap<string, V> | undefined) { super(); }
  override get(key: string): V | undefined { return this.own.get(key) ?? this.base?.get(key); }
  override has(key: string): boolean { return this.own.has(key) || (this.base?.has(key) ?? false); }
}

function refuse(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(`HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function forwardedHeaders(req: IncomingMessage, host: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    if (!droppedHeaders.has(name.toLowerCase())) out.push([name, req.rawHeaders[i + 1] ?? '']);
  }
  out.push(['Host', host]);
  return out;
}

function unreachable(nodeName: string, why: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', `error dialing backend: node ${nodeName}: ${why}`);
}

export function withNodeProxy(o: NodeProxyOptions): { subresource: ReadonlyMap<string, SubresourceHandler>; upgrade: ReadonlyMap<string, UpgradeHandler> } {
  let clientCert: Promise<ClientCert> | undefined;
  const cert = (): Promise<ClientCert> => {
    clientCert ??= ensureKubeletClientCert(o.pkiDir).catch((err: unknown) => { clientCert = undefined; throw err; });
    return clientCert;
  };

  /** The pod's node and where it streams from; no endpoint means the in-process agent (or none). */
  const endpointOf = async (pod: KubeObject): Promise<{ nodeName: string | undefined; endpoint: Endpoint | undefined }> => {
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!nodeName) return { nodeName, endpoint: undefined };
    const kv = await o.store.get(objectKey({ group: '', plural: 'nodes', namespaced: false }, undefined, nodeName));
    if (!kv || !('value' in kv)) return { nodeName, endpoint: undefined };
    const annotations = (JSON.parse(kv.value) as KubeObject).metadata?.annotations ?? {};
    const raw = annotations[streamingEndpointAnnotation];
    if (!raw) return { nodeName, endpoint: undefined };
    return { nodeName, endpoint: { url: new URL(raw), fingerprint: annotations[streamingCertAnnotation] } };
  };

  const checkPeer = (socket: TLSSocket, nodeName: string, ep: Endpoint): void => {
    const got = socket.getPeerCertificate()?.fingerprint256;
    if (ep.fingerprint && got !== ep.fingerprint) throw unreachable(nodeName, 'its serving certificate does not match the one its Node names');
  };

  const plain = (key: string): SubresourceHandler => async (req, res, target) => {
    const { nodeName, endpoint } = await endpointOf(target.object);
    if (!endpoint || !nodeName) {
      const local = o.subresource?.get(key);
      if (!local) throw errors.badRequest(`pod ${target.name} is not on a node that serves ${key.slice(1)}`);
      return local(req, res, target);
    }
    const { certPem, keyPem } = await cert();
    const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = httpsRequest({
        host: endpoint.url.hostname, port: endpoint.url.port, method: req.method ?? 'GET', path: req.url ?? '/',
        headers: Object.fromEntries(forwardedHeaders(req, endpoint.url.host)), cert: certPem, key: keyPem, rejectUnauthorized: false, agent: false,
      }, resolve);
      out.on('socket', (s) => dialDeadline(s as TLSSocket));
      out.on('error', (err: Error) => reject(unreachable(nodeName, err.message)));
      req.pipe(out);
    });
    try {
      checkPeer(upstream.socket as TLSSocket, nodeName, endpoint);
    } catch (err: unknown) {
      upstream.destroy();
      throw err;
    }
    const headers = { ...upstream.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    res.writeHead(upstream.statusCode ?? 502, headers);
    // A follow (logs -f) lasts until either side leaves.
    res.on('close', () => upstream.destroy());
    upstream.pipe(res);
    await new Promise<void>((resolve) => {
      upstream.on('end', resolve);
      // An agent that goes away mid-answer: the client must not wait for the rest.
      upstream.on('close', () => { if (!res.writableEnded) res.destroy(); resolve(); });
    });
  };

  const upgrade = (key: string): UpgradeHandler => (req, socket, head, target) => {
    void (async () => {
      const { nodeName, endpoint } = await endpointOf(target.object);
      if (!endpoint || !nodeName) {
        const local = o.upgrade?.get(key);
        if (!local) throw errors.badRequest(`pod ${target.name} is not on a node that serves ${key.slice(1)}`);
        local(req, socket, head, target);
        return;
      }
      const { certPem, keyPem } = await cert();
      const upstream = await new Promise<TLSSocket>((resolve, reject) => {
        const s = tlsConnect({ host: endpoint.url.hostname, port: Number(endpoint.url.port), cert: certPem, key: keyPem, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
        s.once('secureConnect', () => { s.off('error', onError); resolve(s); });
        const onError = (err: Error): void => reject(unreachable(nodeName, err.message));
        s.once('error', onError);
        dialDeadline(s);
      });
      try {
        checkPeer(upstream, nodeName, endpoint);
      } catch (err: unknown) {
        upstream.destroy();
        throw err;
      }
      // The request as the client sent it (the 101 or refusal comes back verbatim), then
      // the bytes that came with it, then both directions spliced until either side closes.
      const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`, ...forwardedHeaders(req, endpoint.url.host).map(([k, v]) => `${k}: ${v}`)];
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
      upstream.pipe(socket);
      socket.pipe(upstream);
    })().catch((err: unknown) => {
      refuse(socket, err instanceof ApiError ? err : errors.internal(err instanceof Error ? err.message : String(err)));
    });
  };

  return {
    subresource: new OverlayMap(new Map(proxiedPlain.map((k) => [k, plain(k)])), o.subresource),
    upgrade: new OverlayMap(new Map(proxiedUpgrades.map((k) => [k, upgrade(k)])), o.upgrade),
  };
}
