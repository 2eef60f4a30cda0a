/**
 * `push`: for each blob of a local image (layers, then config), skip it when the
 * destination already has it (HEAD), mount it when the registry holds it in a repository
 * we pulled from or pushed to, else upload it; then PUT the manifest, byte for byte as
 * stored, so its digest is the same on both sides.
 */
import type { Descriptor } from '../content/index.js';
import type { ImageStore } from '../image/index.js';
import { formatReference, parseReference } from '../reference/index.js';
import { RegistryClient } from './client.js';
import { lookupCredentials } from './credentials.js';
import type { RegistryOptions } from './pull.js';
import { silentProgress, type BlobKind } from './progress.js';
import { Repository, manifestMediaType } from './repository.js';
import { BlobSources } from './sources.js';
import { mapLimit } from './transfer.js';
import { DEFAULT_CHUNK_SIZE, DEFAULT_MAX_RESUMES, startUpload, uploadBlob } from './upload.js';

export interface PushOptions extends RegistryOptions {
  /** Blobs up to this size go in one PUT, larger ones in PATCH chunks of this size. */
  chunkSize?: number;
  maxResumes?: number;
  /** Blobs sent at once. */
  parallel?: number;
}

export interface PushResult {
  /** Normalised destination. */
  reference: string;
  manifestDigest: string;
  uploaded: string[];
  mounted: string[];
  /** Blobs the destination already had. */
  existing: string[];
}

const DEFAULT_PARALLEL = 3;

export async function pushImage(store: ImageStore, source: string, destination: string = source, options: PushOptions = {}): Promise<PushResult> {
  const image = await store.resolve(source);
  const dest = parseReference(destination);
  const progress = options.progress ?? silentProgress;
  const credentials = options.credentials ?? (await lookupCredentials(dest.domain, dest.path, store.root, options.env));
  const client = new RegistryClient({ registry: dest.domain, ...(options.tlsVerify !== undefined ? { tlsVerify: options.tlsVerify } : {}), ...(credentials ? { credentials } : {}) });
  const repo = new Repository(client, dest.path, 'push');
  const sources = new BlobSources(store.root);
  const manifestBytes = await store.content.get(image.manifestDigest);
  const result: PushResult = { reference: formatReference(dest), manifestDigest: image.manifestDigest, uploaded: [], mounted: [], existing: [] };

  progress.message('Getting image source signatures');
  const pushBlob = async (blob: Descriptor, kind: BlobKind): Promise<void> => {
    if (!(await store.content.has(blob.digest))) throw new Error(`blob ${blob.digest} of ${source} is missing from the local store`);
    if ((await repo.blobSize(blob.digest)) !== undefined) {
      result.existing.push(blob.digest);
      progress.event({ type: 'skipped', kind, digest: blob.digest });
      return;
    }
    let session: Awaited<ReturnType<typeof startUpload>> | undefined;
    for (const from of await sources.candidates(blob.digest, dest.domain, dest.path)) {
      session = await startUpload(repo, { digest: blob.digest, from });
      if (session.mounted) {
        result.mounted.push(blob.digest);
        progress.event({ type: 'mounted', kind, digest: blob.digest, from });
        return;
      }
      break; // the registry opened a normal session instead: upload into it
    }
    session ??= await startUpload(repo);
    if (session.mounted) return; // cannot happen without a mount request; keeps the types honest
    progress.event({ type: 'start', kind, digest: blob.digest, total: blob.size });
    await uploadBlob(repo, store.content, blob, session.location, {
      chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE, maxResumes: options.maxResumes ?? DEFAULT_MAX_RESUMES, progress, kind,
    });
    result.uploaded.push(blob.digest);
    progress.event({ type: 'done', kind, digest: blob.digest, total: blob.size });
  };
  await mapLimit(image.manifest.layers, options.parallel ?? DEFAULT_PARALLEL, (layer) => pushBlob(layer, 'blob'));
  await pushBlob(image.manifest.config, 'config');

  progress.message('Writing manifest to image destination');
  const mediaType = manifestMediaType(undefined, manifestBytes);
  const reference = dest.tag ?? dest.digest ?? 'latest';
  const digest = await repo.putManifest(reference, manifestBytes, mediaType);
  if (digest !== image.manifestDigest) {
    throw new Error(`registry ${dest.domain} stored the manifest as ${digest}, expected ${image.manifestDigest}`);
  }
  await sources.record(dest.domain, dest.path, [image.manifest.config.digest, ...image.manifest.layers.map((l) => l.digest)]);
  return result;
}
