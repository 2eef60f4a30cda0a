/**
 * `load`: images from a docker-archive (manifest.json) or an oci-archive (index.json +
 * oci-layout), as written by docker/podman save, skopeo or us. Every blob is verified
 * against its digest (OCI) or diffID (docker) on the way into the content store.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertConfig, assertManifest, hostPlatform, isIndexMediaType, MediaType, storeLayer,
  type Descriptor, type ImageIndex, type ImageManifest,
} from '../content/index.js';
import type { ImageInfo, ImageStore } from '../image/index.js';
import { formatReference, parseReference } from '../reference/index.js';
import { maybeGunzip } from '../util/index.js';
import { ArchiveMembers } from './extract.js';

export interface LoadedImage {
  image: ImageInfo;
  /** Names given to it, normalised (empty: loaded without a name). */
  names: string[];
}

interface DockerArchiveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

async function loadDockerArchive(store: ImageStore, members: ArchiveMembers): Promise<LoadedImage[]> {
  const entries = await members.readJson<DockerArchiveEntry[]>('manifest.json');
  if (!Array.isArray(entries)) throw new Error('manifest.json is not a list of images');
  const loaded: LoadedImage[] = [];
  for (const entry of entries) {
    const configBytes = await readFile(members.require(entry.Config));
    const config = assertConfig(JSON.parse(configBytes.toString('utf8')), entry.Config);
    // Stored byte for byte: the image ID is the digest of exactly these bytes.
    const configBlob = await store.content.put(configBytes);
    if (config.rootfs.diff_ids.length !== entry.Layers.length) {
      throw new Error(`${entry.Config}: config lists ${config.rootfs.diff_ids.length} layers, manifest.json ${entry.Layers.length}`);
    }
    const layers: Descriptor[] = [];
    for (const [i, layerPath] of entry.Layers.entries()) {
      const layer = await storeLayer(store.content, maybeGunzip(createReadStream(members.require(layerPath))));
      if (layer.diffId !== config.rootfs.diff_ids[i]) {
        throw new Error(`layer ${layerPath}: content hashes to ${layer.diffId}, config says ${config.rootfs.diff_ids[i]}`);
      }
      layers.push(layer.descriptor);
    }
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configBlob.digest, size: configBlob.size },
      layers,
    };
    const manifestBlob = await store.content.put(JSON.stringify(manifest));
    const names = (entry.RepoTags ?? []).map((t) => formatReference(parseReference(t)));
    await store.setNames(manifestBlob.digest, names);
    loaded.push({ image: await store.byManifest(manifestBlob.digest), names });
  }
  return loaded;
}

async function copyBlob(store: ImageStore, members: ArchiveMembers, d: Descriptor): Promise<void> {
  if (await store.content.has(d.digest)) return;
  const hex = d.digest.replace(/^sha256:/, '');
  await store.content.ingest(createReadStream(members.require(`blobs/sha256/${hex}`)), { digest: d.digest, size: d.size });
}

/** Picks this machine's platform from an index, or the only manifest there is. */
async function pickManifest(store: ImageStore, members: ArchiveMembers, d: Descriptor): Promise<Descriptor> {
  if (!isIndexMediaType(d.mediaType)) return d;
  await copyBlob(store, members, d);
  const index = await store.content.getJson<ImageIndex>(d.digest);
  const host = hostPlatform();
  const match = index.manifests.find((m) => m.platform?.architecture === host.architecture && m.platform.os === host.os) ?? (index.manifests.length === 1 ? index.manifests[0] : undefined);
  if (!match) throw new Error(`index ${d.digest} has no manifest for ${host.os}/${host.architecture}`);
  return pickManifest(store, members, match);
}

function nameFromAnnotations(annotations: Record<string, string> | undefined): string | undefined {
  const full = annotations?.['io.containerd.image.name'];
  const refName = annotations?.['org.opencontainers.image.ref.name'];
  // A bare tag ("latest") in ref.name is no image name on its own.
  const candidate = full ?? (refName !== undefined && /[:/]/.test(refName) ? refName : undefined);
  if (candidate === undefined) return undefined;
  const ref = parseReference(candidate);
  return formatReference(ref);
}

async function loadOciArchive(store: ImageStore, members: ArchiveMembers): Promise<LoadedImage[]> {
  const index = await members.readJson<ImageIndex>('index.json');
  const byManifest = new Map<string, string[]>();
  for (const top of index.manifests ?? []) {
    const d = await pickManifest(store, members, top);
    await copyBlob(store, members, d);
    const manifest = assertManifest(await store.content.getJson(d.digest), d.digest);
    await copyBlob(store, members, manifest.config);
    assertConfig(await store.content.getJson(manifest.config.digest), manifest.config.digest);
    for (const layer of manifest.layers) await copyBlob(store, members, layer);
    const name = nameFromAnnotations(top.annotations);
    byManifest.set(d.digest, [...(byManifest.get(d.digest) ?? []), ...(name ? [name] : [])]);
  }
  const loaded: LoadedImage[] = [];
  for (const [digest, names] of byManifest) {
    await store.setNames(digest, names);
    loaded.push({ image: await store.byManifest(digest), names });
  }
  return loaded;
}

/** Loads every image of an archive (plain or gzip-compressed tar). */
export async function loadImages(store: ImageStore, source: AsyncIterable<Buffer>): Promise<LoadedImage[]> {
  const scratch = await mkdtemp(join(tmpdir(), 'skiff-load-'));
  try {
    const members = new ArchiveMembers(scratch);
    await members.extract(source);
    if (members.has('manifest.json')) return await loadDockerArchive(store, members);
    if (members.has('index.json') && members.has('oci-layout')) return await loadOciArchive(store, members);
    throw new Error('not an image archive: it has neither manifest.json (docker-archive) nor index.json + oci-layout (oci-archive)');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
