/**
 * `save`: images to a docker-archive (manifest.json + repositories + config and layer tars,
 * the layout `docker save` and skopeo write) or an oci-archive (a tarred OCI image layout).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { MediaType, type Descriptor } from '../content/index.js';
import type { ImageInfo, ImageStore } from '../image/index.js';
import { familiarRepository, familiarString, parseReference } from '../reference/index.js';
import { maybeGunzip, tarStream, type TarWriter } from '../util/index.js';

export type ArchiveFormat = 'docker-archive' | 'oci-archive';

interface SaveItem {
  image: ImageInfo;
  /** Normalised names to record for it (those it was asked by, or all its names for an ID). */
  names: string[];
}

async function resolveAll(store: ImageStore, refs: readonly string[]): Promise<SaveItem[]> {
  const items = new Map<string, SaveItem>();
  for (const ref of refs) {
    const image = await store.resolve(ref);
    let names = image.names;
    try {
      const parsed = parseReference(ref);
      const full = `${parsed.domain}/${parsed.path}:${parsed.tag ?? 'latest'}`;
      if (image.names.includes(full)) names = [full];
    } catch {
      names = image.names; // saved by ID: keep every name
    }
    const item = items.get(image.manifestDigest);
    if (item) item.names = [...new Set([...item.names, ...names])];
    else items.set(image.manifestDigest, { image, names });
  }
  return [...items.values()];
}

const fileEntry = (path: string, size: number): { path: string; type: 'file'; mode: number; uid: number; gid: number; mtime: number; size: number } =>
  ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 0, size });

async function addJson(writer: TarWriter, path: string, value: unknown): Promise<void> {
  const data = Buffer.from(JSON.stringify(value));
  await writer.add(fileEntry(path, data.length), data);
}

async function addBlob(writer: TarWriter, store: ImageStore, path: string, descriptor: Descriptor): Promise<void> {
  await writer.add(fileEntry(path, descriptor.size), store.content.read(descriptor.digest));
}

/** Docker archives carry uncompressed layer tars; their size must be known before the bytes. */
async function addUncompressedLayer(writer: TarWriter, store: ImageStore, path: string, layer: Descriptor, scratch: string): Promise<void> {
  const tmp = join(scratch, layer.digest.replace(/^sha256:/, ''));
  await pipeline(maybeGunzip(store.content.read(layer.digest)), createWriteStream(tmp));
  const { size } = await stat(tmp);
  await writer.add(fileEntry(path, size), createReadStream(tmp));
  await rm(tmp, { force: true });
}

async function writeDockerArchive(writer: TarWriter, store: ImageStore, items: SaveItem[]): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'skiff-save-'));
  try {
    const manifest: Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }> = [];
    const repositories: Record<string, Record<string, string>> = {};
    const written = new Set<string>();
    for (const { image, names } of items) {
      const configPath = `${image.id.slice('sha256:'.length)}.json`;
      if (!written.has(configPath)) await addBlob(writer, store, configPath, image.manifest.config);
      written.add(configPath);
      const layers: string[] = [];
      for (const [i, layer] of image.manifest.layers.entries()) {
        const diffId = image.config.rootfs.diff_ids[i];
        if (diffId === undefined) throw new Error(`image ${image.id}: layer ${i} has no diff_id`);
        const path = `${diffId.slice('sha256:'.length)}.tar`;
        if (!written.has(path)) await addUncompressedLayer(writer, store, path, layer, scratch);
        written.add(path);
        layers.push(path);
      }
      const repoTags = names.map((n) => familiarString(parseReference(n)));
      manifest.push({ Config: configPath, RepoTags: repoTags.length > 0 ? repoTags : null, Layers: layers });
      const top = layers.at(-1)?.replace(/\.tar$/, '');
      for (const name of names) {
        const ref = parseReference(name);
        if (top !== undefined && ref.tag !== undefined) (repositories[familiarRepository(ref)] ??= {})[ref.tag] = top;
      }
    }
    await addJson(writer, 'manifest.json', manifest);
    await addJson(writer, 'repositories', repositories);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function writeOciArchive(writer: TarWriter, store: ImageStore, items: SaveItem[]): Promise<void> {
  await addJson(writer, 'oci-layout', { imageLayoutVersion: '1.0.0' });
  const manifests: Descriptor[] = [];
  const written = new Set<string>();
  const blob = async (d: Descriptor): Promise<void> => {
    if (written.has(d.digest)) return;
    written.add(d.digest);
    await addBlob(writer, store, `blobs/sha256/${d.digest.slice('sha256:'.length)}`, d);
  };
  await writer.add({ path: 'blobs', type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 });
  await writer.add({ path: 'blobs/sha256', type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 });
  for (const { image, names } of items) {
    const manifestSize = (await store.content.size(image.manifestDigest)) ?? 0;
    const descriptor: Descriptor = { mediaType: image.manifest.mediaType ?? MediaType.ociManifest, digest: image.manifestDigest, size: manifestSize };
    await blob(descriptor);
    await blob(image.manifest.config);
    for (const layer of image.manifest.layers) await blob(layer);
    if (names.length === 0) manifests.push(descriptor);
    for (const name of names) {
      // ref.name holds the full name, as skopeo writes it (`oci-archive:FILE:NAME` selects it).
      manifests.push({ ...descriptor, annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name } });
    }
  }
  await addJson(writer, 'index.json', { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests });
}

/** The archive as a stream (write it to a file or stdout). */
export async function saveImages(store: ImageStore, refs: readonly string[], format: ArchiveFormat): Promise<Readable> {
  if (refs.length === 0) throw new Error('save: no images given');
  const items = await resolveAll(store, refs);
  return tarStream((writer) => (format === 'oci-archive' ? writeOciArchive(writer, store, items) : writeDockerArchive(writer, store, items)));
}
