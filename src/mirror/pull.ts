/**
 * Pulling an image from another node's mirror: ask the peers (HEAD on the manifest, all at
 * once, each with a short timeout) which of them has it, then pull from the first that
 * answered with the engine's registry client, pinned to the digest that peer announced
 * (the client checks the manifest and every blob against their digests), and point the
 * image's own name at the result, as if it had come from its registry.
 */
import type { ImageStore } from '../engine/image/index.js';
import { formatReference, parseReference } from '../engine/reference/index.js';
import { pullImage, MANIFEST_ACCEPT, type PullResult } from '../engine/registry/index.js';
import { mirrorRepositoryPath } from './names.js';

export interface MirrorPeer {
  /** The node's name, for messages and events. */
  name: string;
  /** `http://IP:PORT` as the node advertises it. */
  url: string;
}

export interface PeerHit { peer: MirrorPeer; digest: string }

export interface PeerPullResult extends PullResult { peer: MirrorPeer }

/** Asks every peer at once; resolves with the first that has the image, else undefined. */
export async function findPeerWithImage(peers: readonly MirrorPeer[], reference: string, options: { timeoutMs?: number } = {}): Promise<PeerHit | undefined> {
  const ref = parseReference(reference);
  const path = mirrorRepositoryPath(ref);
  if (path === undefined || peers.length === 0) return undefined;
  const target = ref.digest ?? ref.tag ?? 'latest';
  const probes = peers.map(async (peer): Promise<PeerHit> => {
    const res = await fetch(new URL(`/v2/${path}/manifests/${target}`, peer.url), {
      method: 'HEAD', headers: { accept: MANIFEST_ACCEPT }, signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
    });
    const digest = res.headers.get('docker-content-digest');
    if (res.status !== 200 || digest === null || !/^sha256:[a-f0-9]{64}$/.test(digest)) throw new Error(`${peer.name}: HTTP ${res.status}`);
    if (ref.digest !== undefined && digest !== ref.digest) throw new Error(`${peer.name}: announced ${digest} for ${ref.digest}`);
    return { peer, digest };
  });
  try {
    return await Promise.any(probes);
  } catch (err: unknown) {
    if (err instanceof AggregateError) return undefined; // no peer has it (or none answered)
    throw err;
  }
}

/** Pulls `reference` from a peer's mirror by digest and names it `reference` in the store. */
export async function pullFromPeer(store: ImageStore, reference: string, hit: PeerHit): Promise<PeerPullResult> {
  const ref = parseReference(reference);
  const path = mirrorRepositoryPath(ref);
  if (path === undefined) throw new Error(`${reference} cannot be mirrored`);
  const host = new URL(hit.peer.url).host;
  // tlsVerify false: the mirror speaks plain HTTP (see server.ts); integrity comes from the digests.
  const result = await pullImage(store, `${host}/${path}@${hit.digest}`, { tlsVerify: false });
  if (ref.tag !== undefined) await store.setNames(result.manifestDigest, [formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag })]);
  return { ...result, image: await store.byManifest(result.manifestDigest), reference: formatReference(ref), peer: hit.peer };
}
