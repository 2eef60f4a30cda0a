/**
 * Blob uploads (distribution API "pushing blobs"): POST opens an upload session (or, with
 * `?mount=<digest>&from=<repo>`, links a blob the registry already holds in another
 * repository: 201 and nothing to send); the bytes then go in one PUT (monolithic) or in
 * PATCH chunks closed by an empty PUT carrying the digest. A chunk that fails in flight is
 * resumed by asking the session where it stands (GET -> `Range: 0-<last byte>`) and sending
 * on from there; a registry that cannot resume that session (docker-registry cancels one
 * whose state token is stale) gets a fresh session and the blob again from the start.
 */
import { createReadStream } from 'node:fs';
import type { ContentStore, Descriptor } from '../content/index.js';
import { pullScope } from './client.js';
import { RegistryError } from './errors.js';
import { drain, header, type HttpResponse } from './http.js';
import type { BlobKind, ProgressSink } from './progress.js';
import type { Repository } from './repository.js';
import { ByteCounter } from './transfer.js';

export interface UploadOptions {
  /** Blobs up to this size go in one PUT; larger ones in PATCH chunks of this size. */
  chunkSize: number;
  /** Failed chunks retried (by resuming) before giving up. */
  maxResumes: number;
  progress: ProgressSink;
  kind: BlobKind;
}

export const DEFAULT_CHUNK_SIZE = 16 << 20;
export const DEFAULT_MAX_RESUMES = 5;

type Started = { mounted: true } | { mounted: false; location: URL };

/** Opens an upload session, or mounts the blob from `from` when the registry can. */
export async function startUpload(repo: Repository, mount?: { digest: string; from: string }): Promise<Started> {
  const query = mount ? `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}` : '';
  const scopes = mount ? [...repo.scopes, pullScope(mount.from)] : repo.scopes;
  const res = await repo.client.request({ method: 'POST', target: `/v2/${repo.path}/blobs/uploads/${query}`, scopes, headers: { 'content-length': '0' } });
  if (res.status === 201 && mount) {
    await drain(res);
    return { mounted: true };
  }
  if (res.status !== 202) return repo.client.fail(res, `initiating upload to ${repo.name}`);
  await drain(res);
  return { mounted: false, location: nextLocation(res) };
}

function nextLocation(res: HttpResponse): URL {
  const location = header(res, 'location');
  if (!location) throw new RegistryError(`${res.url.href}: upload response without a Location`, res.status);
  return new URL(location, res.url);
}

/** Bytes the session holds, from its `Range: 0-<last>` header (docker-registry says 0-0 for none). */
export function receivedBytes(range: string | undefined): number {
  const m = /^(?:bytes=)?0-(\d+)$/.exec(range?.trim() ?? '');
  if (!m) return 0;
  const last = Number(m[1]);
  return last === 0 ? 0 : last + 1;
}

/** Uploads a blob from the content store into a session opened by startUpload. */
export async function uploadBlob(repo: Repository, content: ContentStore, blob: Descriptor, location: URL, options: UploadOptions): Promise<void> {
  const { progress, kind } = options;
  const report = (bytes: number): void => progress.event({ type: 'bytes', kind, digest: blob.digest, bytes, total: blob.size });
  const path = content.blobPath(blob.digest);
  const withDigest = (url: URL): URL => {
    const u = new URL(url);
    u.searchParams.set('digest', blob.digest);
    return u;
  };

  if (blob.size <= options.chunkSize) {
    const res = await repo.client.request({
      method: 'PUT', target: withDigest(location), scopes: repo.scopes,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
      body: () => createReadStream(path).pipe(new ByteCounter(report)),
    });
    if (res.status !== 201) return repo.client.fail(res, `uploading blob ${blob.digest} to ${repo.name}`);
    await drain(res);
    return;
  }

  let offset = 0;
  let resumes = 0;
  while (offset < blob.size) {
    const end = Math.min(offset + options.chunkSize, blob.size) - 1;
    const start = offset;
    try {
      const res = await repo.client.request({
        method: 'PATCH', target: location, scopes: repo.scopes,
        headers: { 'content-type': 'application/octet-stream', 'content-range': `${start}-${end}`, 'content-length': String(end - start + 1) },
        body: () => createReadStream(path, { start, end }).pipe(new ByteCounter((n) => report(start + n))),
      });
      if (res.status !== 202) return await repo.client.fail(res, `uploading blob ${blob.digest} to ${repo.name}`);
      await drain(res);
      location = nextLocation(res);
      offset = end + 1;
    } catch (err: unknown) {
      // A refusal (4xx) will not change on retry; a broken connection or a 5xx may.
      if (err instanceof RegistryError && err.status < 500) throw err;
      if (++resumes > options.maxResumes) throw err;
      const resumed = await resumeAt(repo, location);
      if (resumed) {
        ({ location, offset } = resumed);
      } else {
        // The registry dropped the session: begin again with a new one.
        const fresh = await startUpload(repo);
        if (fresh.mounted) return;
        location = fresh.location;
        offset = 0;
      }
      progress.event({ type: 'resumed', kind, digest: blob.digest, offset });
    }
  }
  const res = await repo.client.request({
    method: 'PUT', target: withDigest(location), scopes: repo.scopes, headers: { 'content-length': '0' }, body: Buffer.alloc(0),
  });
  if (res.status !== 201) return repo.client.fail(res, `completing upload of blob ${blob.digest} to ${repo.name}`);
  await drain(res);
}

/** Asks an upload session how much it has; undefined when the session is gone or unusable. */
async function resumeAt(repo: Repository, location: URL): Promise<{ location: URL; offset: number } | undefined> {
  const res = await repo.client.request({ method: 'GET', target: location, scopes: repo.scopes });
  await drain(res);
  if (res.status !== 204 && res.status !== 200) return undefined;
  return { location: nextLocation(res), offset: receivedBytes(header(res, 'range')) };
}
