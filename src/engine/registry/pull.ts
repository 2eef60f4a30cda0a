/**
 * `pull`: tag (or digest) -> manifest (an index or list picks this machine's platform) ->
 * config and layer blobs not yet stored, streamed into the content store and verified
 * against their digests and sizes -> the manifest stored byte for byte (its digest is the
 * one the registry serves) -> the name pointed at it.
 */
import {
  assertConfig, assertManifest, hostPlatform, isIndexMediaType, isManifestMediaType,
  type Descriptor, type ImageIndex, type ImageManifest, type Platform,
} from '../content/index.js';
import type { ImageInfo, ImageStore } from '../image/index.js';
import { formatReference, parseReference, type ImageReference } from '../reference/index.js';
import { RegistryClient } from './client.js';
import { lookupCredentials, type Credentials } from './credentials.js';
import { describePlatform, selectPlatform } from './platform.js';
import { silentProgress, type BlobKind, type ProgressSink } from './progress.js';
import { Repository, type FetchedManifest } from './repository.js';
import { BlobSources } from './sources.js';
import { ByteCounter, mapLimit } from './transfer.js';

export interface RegistryOptions {
  /** undefined: verify certificates, plain http on loopback. */
  tlsVerify?: boolean;
  /** Overrides the auth files. */
  credentials?: Credentials;
  progress?: ProgressSink;
  env?: NodeJS.ProcessEnv;
}

export interface PullOptions extends RegistryOptions {
  /** Default: this machine's (linux/amd64 here). */
  platform?: Platform;
  /** Blobs fetched at once. */
  parallel?: number;
}

export interface PullResult {
  image: ImageInfo;
  /** The normalised reference pulled. */
  reference: string;
  manifestDigest: string;
  /** Blob digests fetched (the others were already stored). */
  fetched: string[];
}

const DEFAULT_PARALLEL = 3;

export async function pullImage(store: ImageStore, reference: string, options: PullOptions = {}): Promise<PullResult> {
  const ref = parseReference(reference);
  const progress = options.progress ?? silentProgress;
  const credentials = options.credentials ?? (await lookupCredentials(ref.domain, ref.path, store.root, options.env));
  const client = new RegistryClient({ registry: ref.domain, ...(options.tlsVerify !== undefined ? { tlsVerify: options.tlsVerify } : {}), ...(credentials ? { credentials } : {}) });
  const repo = new Repository(client, ref.path);
  progress.message(`Trying to pull ${formatReference(ref)}...`);

  const { manifest, fetched: manifestBlob } = await resolveManifest(repo, ref, options.platform ?? hostPlatform());
  progress.message('Getting image source signatures');
  const fetched: string[] = [];
  const fetchBlob = async (d: Descriptor, kind: BlobKind): Promise<void> => {
    if (await store.content.has(d.digest)) {
      progress.event({ type: 'skipped', kind, digest: d.digest });
      return;
    }
    progress.event({ type: 'start', kind, digest: d.digest, total: d.size });
    const res = await repo.getBlob(d.digest);
    const counter = new ByteCounter((bytes) => progress.event({ type: 'bytes', kind, digest: d.digest, bytes, total: d.size }));
    try {
      await store.content.ingest(res.body, { digest: d.digest, size: d.size }, [counter]);
    } catch (err: unknown) {
      res.body.destroy();
      throw new Error(`fetching blob ${d.digest} from ${repo.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    fetched.push(d.digest);
    progress.event({ type: 'done', kind, digest: d.digest, total: d.size });
  };
  await mapLimit(manifest.layers, options.parallel ?? DEFAULT_PARALLEL, (layer) => fetchBlob(layer, 'blob'));
  await fetchBlob(manifest.config, 'config');
  const config = assertConfig(await store.content.getJson(manifest.config.digest), manifest.config.digest);
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new Error(`image ${formatReference(ref)}: manifest has ${manifest.layers.length} layers, its config lists ${config.rootfs.diff_ids.length}`);
  }

  progress.message('Writing manifest to image destination');
  await store.content.put(manifestBlob.bytes, manifestBlob.digest);
  const names = ref.tag !== undefined ? [formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag })] : [];
  await store.setNames(manifestBlob.digest, names);
  await new BlobSources(store.root).record(ref.domain, ref.path, [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]);
  return { image: await store.byManifest(manifestBlob.digest), reference: formatReference(ref), manifestDigest: manifestBlob.digest, fetched };
}

/** The image manifest a reference names, following an index to this platform's entry. */
async function resolveManifest(repo: Repository, ref: ImageReference, platform: Platform): Promise<{ manifest: ImageManifest; fetched: FetchedManifest }> {
  let fetched = await repo.getManifest(ref.digest ?? ref.tag ?? 'latest');
  if (isIndexMediaType(fetched.mediaType)) {
    const index = JSON.parse(fetched.bytes.toString('utf8')) as ImageIndex;
    if (!Array.isArray(index.manifests)) throw new Error(`${repo.name}: index ${fetched.digest} has no manifests`);
    const choice = selectPlatform(index.manifests, platform);
    if (!choice) {
      const offered = index.manifests.map((m) => (m.platform ? describePlatform(m.platform) : 'unknown')).join(', ');
      throw new Error(`no image found in manifest list for architecture ${platform.architecture}, OS ${platform.os} (${formatReference(ref)} offers ${offered || 'nothing'})`);
    }
    fetched = await repo.getManifest(choice.digest);
  }
  if (!isManifestMediaType(fetched.mediaType)) {
    throw new Error(`${formatReference(ref)}: unsupported manifest type ${fetched.mediaType} (schema 1 and other types are not supported)`);
  }
  const manifest = assertManifest(JSON.parse(fetched.bytes.toString('utf8')), fetched.digest);
  return { manifest, fetched };
}
