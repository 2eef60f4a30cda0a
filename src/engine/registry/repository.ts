/**
 * The distribution API's endpoints for one repository: manifests (by tag or digest) and
 * blobs. Uploads are in upload.ts. Every manifest fetched is checked against the digest we
 * asked for or the one the registry announced.
 */
import { MediaType, sha256Digest } from '../content/index.js';
import { pullScope, pushScope, type RegistryClient } from './client.js';
import { RegistryError } from './errors.js';
import { drain, header, readBody, type HttpResponse } from './http.js';

/** Every manifest kind we can use, best first (as podman and containerd ask). */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex, MediaType.dockerManifestList, MediaType.ociManifest, MediaType.dockerManifest,
].join(', ');

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

/** Manifests are small; anything this large is not one. */
const MANIFEST_LIMIT = 4 << 20;

export class Repository {
  constructor(readonly client: RegistryClient, readonly path: string, readonly access: 'pull' | 'push' = 'pull') {}

  /** `127.0.0.1:5000/a/b`, for messages. */
  get name(): string {
    return `${this.client.registry}/${this.path}`;
  }

  get scopes(): string[] {
    return [this.access === 'push' ? pushScope(this.path) : pullScope(this.path)];
  }

  async getManifest(reference: string): Promise<FetchedManifest> {
    const what = `reading manifest ${reference} in ${this.name}`;
    const res = await this.client.request({ method: 'GET', target: `/v2/${this.path}/manifests/${reference}`, scopes: this.scopes, headers: { accept: MANIFEST_ACCEPT } });
    if (res.status !== 200) return this.client.fail(res, what);
    const bytes = await readBody(res, MANIFEST_LIMIT);
    const digest = sha256Digest(bytes);
    const expected = reference.includes(':') ? reference : header(res, 'docker-content-digest');
    if (expected !== undefined && expected.startsWith('sha256:') && expected !== digest) {
      throw new RegistryError(`${what}: content hashes to ${digest}, expected ${expected}`, res.status);
    }
    return { bytes, mediaType: manifestMediaType(header(res, 'content-type'), bytes), digest };
  }

  async putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    const res = await this.client.request({
      method: 'PUT', target: `/v2/${this.path}/manifests/${reference}`, scopes: this.scopes,
      headers: { 'content-type': mediaType }, body: bytes,
    });
    if (res.status !== 201 && res.status !== 200) return this.client.fail(res, `writing manifest ${reference} to ${this.name}`);
    await drain(res);
    return header(res, 'docker-content-digest') ?? sha256Digest(bytes);
  }

  /** The blob's size when the repository has it, else undefined. */
  async blobSize(digest: string): Promise<number | undefined> {
    const res = await this.client.request({ method: 'HEAD', target: `/v2/${this.path}/blobs/${digest}`, scopes: this.scopes });
    await drain(res);
    if (res.status === 404) return undefined;
    if (res.status !== 200) return this.client.fail(res, `checking blob ${digest} in ${this.name}`);
    const length = Number(header(res, 'content-length'));
    return Number.isFinite(length) ? length : 0;
  }

  /** A blob's bytes as a response stream (the caller verifies the digest while storing it). */
  async getBlob(digest: string): Promise<HttpResponse> {
    const res = await this.client.request({ method: 'GET', target: `/v2/${this.path}/blobs/${digest}`, scopes: this.scopes });
    if (res.status !== 200) return this.client.fail(res, `fetching blob ${digest} from ${this.name}`);
    return res;
  }
}

/**
 * The manifest's media type: its own `mediaType` field when it has one (the registry's
 * Content-Type may be generic), else the Content-Type, else a guess from its shape.
 */
export function manifestMediaType(contentType: string | undefined, bytes: Buffer): string {
  let doc: { mediaType?: unknown; manifests?: unknown; schemaVersion?: unknown } = {};
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch (err: unknown) {
    throw new Error('manifest is not valid JSON', { cause: err });
  }
  if (typeof doc.mediaType === 'string' && doc.mediaType !== '') return doc.mediaType;
  const type = contentType?.split(';')[0]?.trim();
  if (type && type !== 'application/json' && type !== 'text/plain') return type;
  if (doc.schemaVersion === 1) return 'application/vnd.docker.distribution.manifest.v1+json';
  return Array.isArray(doc.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
}
