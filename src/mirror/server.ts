/**
 * A read-only OCI distribution endpoint over one engine's image store, so other nodes can
 * pull what this node has (as k3s's embedded mirror, spegel, serves containerd's store):
 * GET/HEAD /v2/, manifests by tag or digest, blobs by digest, and tags/list. Nothing can be
 * written through it.
 *
 * Transport: plain HTTP on the node's own address, answering only the addresses `allow`
 * accepts (the agent passes the cluster's node InternalIPs). Spegel does the same; the
 * puller pins every manifest by digest and every blob is checked against its digest, so a
 * peer can at worst refuse to serve, not serve something else under a digest.
 *
 * Lifecycle: start() once (listens), stop() closes the listener and open connections and
 * is idempotent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MediaType } from '../engine/content/index.js';
import type { ImageStore } from '../engine/image/index.js';
import { parseReference } from '../engine/reference/index.js';
import { repositoryFromMirrorPath, storeName } from './names.js';

export interface MirrorServerOptions {
  store: ImageStore;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Which client addresses may read; default: all. */
  allow?: (remoteAddress: string) => boolean | Promise<boolean>;
  onError?: (err: unknown) => void;
}

type ErrorCode = 'NAME_UNKNOWN' | 'MANIFEST_UNKNOWN' | 'BLOB_UNKNOWN' | 'DIGEST_INVALID' | 'NAME_INVALID' | 'UNSUPPORTED' | 'DENIED';

const digestPattern = /^sha256:[a-f0-9]{64}$/;
const routes = {
  manifest: /^\/v2\/(.+)\/manifests\/([^/]+)$/,
  blob: /^\/v2\/(.+)\/blobs\/([^/]+)$/,
  tags: /^\/v2\/(.+)\/tags\/list$/,
};

export class MirrorServer {
  private readonly server: Server;
  private stopped: Promise<void> | undefined;

  constructor(private readonly o: MirrorServerOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        o.onError?.(err);
        if (!res.headersSent) sendError(res, 500, 'UNSUPPORTED', 'internal error');
        else res.destroy();
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port ?? 0, this.o.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `http://HOST:PORT`, what the Node annotation advertises. */
  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.stopped;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('docker-distribution-api-version', 'registry/2.0');
    const remote = req.socket.remoteAddress ?? '';
    if (this.o.allow && !(await this.o.allow(remote.replace(/^::ffff:/, '')))) return sendError(res, 403, 'DENIED', `${remote} is not a node of this cluster`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'UNSUPPORTED', 'this mirror is read-only');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://mirror').pathname);
    if (path === '/v2/' || path === '/v2') return sendJson(req, res, 200, {});
    let m: RegExpExecArray | null;
    if ((m = routes.manifest.exec(path))) return this.manifest(req, res, m[1] ?? '', m[2] ?? '');
    if ((m = routes.blob.exec(path))) return this.blob(req, res, m[2] ?? '');
    if ((m = routes.tags.exec(path))) return this.tags(req, res, m[1] ?? '');
    return sendError(res, 404, 'UNSUPPORTED', `no route for ${path}`);
  }

  private async manifest(req: IncomingMessage, res: ServerResponse, repo: string, reference: string): Promise<void> {
    let digest: string | undefined;
    if (reference.includes(':')) {
      if (!digestPattern.test(reference)) return sendError(res, 400, 'DIGEST_INVALID', `invalid digest ${reference}`);
      digest = (await this.o.store.content.has(reference)) ? reference : undefined;
    } else {
      let name: string;
      try {
        name = storeName(repo, reference);
      } catch (err: unknown) {
        return sendError(res, 400, 'NAME_INVALID', err instanceof Error ? err.message : String(err));
      }
      digest = (await this.o.store.refs.read())[name]?.digest;
    }
    if (digest === undefined) return sendError(res, 404, 'MANIFEST_UNKNOWN', `manifest unknown: ${repo}:${reference}`);
    const bytes = await this.o.store.content.get(digest);
    const mediaType = manifestMediaType(bytes);
    if (mediaType === undefined) return sendError(res, 404, 'MANIFEST_UNKNOWN', `${digest} is not a manifest`);
    res.writeHead(200, { 'content-type': mediaType, 'content-length': bytes.length, 'docker-content-digest': digest, etag: `"${digest}"` });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  private async blob(req: IncomingMessage, res: ServerResponse, digest: string): Promise<void> {
    if (!digestPattern.test(digest)) return sendError(res, 400, 'DIGEST_INVALID', `invalid digest ${digest}`);
    const size = await this.o.store.content.size(digest);
    if (size === undefined) return sendError(res, 404, 'BLOB_UNKNOWN', `blob unknown: ${digest}`);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size, 'docker-content-digest': digest, etag: `"${digest}"` });
    if (req.method === 'HEAD') return void res.end();
    // The content store re-hashes as it reads: a damaged blob ends the response early
    // (the client sees a short body) instead of passing on wrong bytes.
    await pipeline(Readable.from(this.o.store.content.read(digest)), res);
  }

  private async tags(req: IncomingMessage, res: ServerResponse, repo: string): Promise<void> {
    let repository: string;
    try {
      repository = repositoryFromMirrorPath(repo);
    } catch (err: unknown) {
      return sendError(res, 400, 'NAME_INVALID', err instanceof Error ? err.message : String(err));
    }
    const tags: string[] = [];
    for (const name of Object.keys(await this.o.store.refs.read())) {
      try {
        const ref = parseReference(name);
        if (`${ref.domain}/${ref.path}` === repository && ref.tag !== undefined) tags.push(ref.tag);
      } catch {
        continue; // dangling markers and other keys that are not names
      }
    }
    if (tags.length === 0) return sendError(res, 404, 'NAME_UNKNOWN', `repository ${repo} not known`);
    return sendJson(req, res, 200, { name: repo, tags: tags.sort() });
  }
}

/** The media type of a stored manifest, or undefined when the blob is no manifest. */
function manifestMediaType(bytes: Buffer): string | undefined {
  let doc: { mediaType?: unknown; layers?: unknown; manifests?: unknown; schemaVersion?: unknown };
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch {
    return undefined; // a layer or other binary blob asked for as a manifest
  }
  if (doc === null || typeof doc !== 'object' || doc.schemaVersion !== 2) return undefined;
  if (typeof doc.mediaType === 'string' && doc.mediaType !== '') return doc.mediaType;
  if (Array.isArray(doc.manifests)) return MediaType.ociIndex;
  return Array.isArray(doc.layers) ? MediaType.ociManifest : undefined;
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  const bytes = Buffer.from(JSON.stringify({ errors: [{ code, message }] }));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}
