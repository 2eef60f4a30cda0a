/**
 * Images for pod containers, per imagePullPolicy: Never uses only the local store,
 * IfNotPresent pulls when missing, Always pulls first. On a machine that cannot reach the
 * registry, Always falls back to a local copy (with a Warning event) rather than fail a pod
 * whose image was built here: these machines cannot pull from public registries.
 * A pull of an image the node lacks first asks the other nodes' image mirrors
 * (image-mirror.ts), then the registry.
 */
import { openImageStore, type ImageStore } from '../engine/image/index.js';
import type { ImageProvider } from '../engine/types.js';
import { pullImage } from '../engine/registry/index.js';
import type { ContainerSpec } from './pod-types.js';

export interface ResolvedImage {
  reference: string; imageID: string; pulled: boolean; pullMs: number; warning?: string;
  /** Where a pulled image came from: `node NAME (URL)` for a peer's mirror, else `registry`. */
  source?: string;
}

/** Pulls an image from another node, if one has it (PeerImages.pull); undefined when none does. */
export type PeerPull = (image: string) => Promise<{ source: string } | undefined>;

export class ImagePullError extends Error {
  constructor(message: string, readonly reason: 'ErrImagePull' | 'ErrImageNeverPull' | 'InvalidImageName') {
    super(message);
  }
}

function isNotFound(err: unknown): boolean {
  return (err as { code?: string }).code === 'IMAGE_NOT_FOUND' || /not known|not found/i.test(String((err as Error).message));
}

/** Upstream's default: Always for :latest or no tag (and no digest), else IfNotPresent. */
export function effectivePullPolicy(c: ContainerSpec): 'Always' | 'IfNotPresent' | 'Never' {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export class ImageManager {
  private readonly store: ImageStore;
  /** The store's answer for images already whole on disk, without loading or re-reading it per pod. */
  private readonly prepared: ImageProvider;

  /** `prepared`: the agent's image provider (engine/image cachedImageProvider), shared with its runtime. */
  constructor(engineRoot: string, private readonly options: { peerPull?: PeerPull; onError?: (err: unknown) => void; prepared?: ImageProvider } = {}) {
    this.store = openImageStore(engineRoot);
    this.prepared = options.prepared ?? this.store;
  }

  private async local(image: string): Promise<{ reference: string; imageID: string } | undefined> {
    try {
      const prepared = await this.prepared.prepare(image);
      const repo = prepared.reference.replace(/[:@][^/]*$/, '');
      return { reference: prepared.reference, imageID: `${repo}@${prepared.manifestDigest}` };
    } catch (err: unknown) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** `onPulling` is called before a registry pull starts (for the Pulling event). */
  async ensure(c: ContainerSpec, onPulling: () => void = () => undefined): Promise<ResolvedImage> {
    const image = c.image ?? '';
    if (image === '') throw new ImagePullError('image is empty', 'InvalidImageName');
    const policy = effectivePullPolicy(c);
    if (policy !== 'Always') {
      const have = await this.local(image);
      if (have) return { ...have, pulled: false, pullMs: 0 };
      if (policy === 'Never') throw new ImagePullError(`Container image "${image}" is not present with pull policy of Never`, 'ErrImageNeverPull');
    }
    const started = Date.now();
    onPulling();
    // Other nodes only fill a gap: an image this node has (policy Always) is never replaced
    // by a peer's copy of the same tag, which may be older than the one built here.
    const presentHere = policy === 'Always' && this.options.peerPull ? await this.local(image) : undefined;
    const fromPeer = presentHere ? undefined : await this.options.peerPull?.(image).catch((err: unknown) => {
      // A peer that fails mid-pull is no reason to fail the pod: the registry is next.
      this.options.onError?.(new Error(`pulling ${image} from another node: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
      return undefined;
    });
    if (fromPeer) {
      const have = await this.local(image);
      if (have) return { ...have, pulled: true, pullMs: Date.now() - started, source: fromPeer.source };
    }
    try {
      await pullImage(this.store, image);
    } catch (err: unknown) {
      const message = err instanceof Error ? err.message : String(err);
      if (policy === 'Always') {
        const have = await this.local(image);
        if (have) return { ...have, pulled: false, pullMs: 0, warning: `Pull of "${image}" failed (${message}); using the image present on the node` };
      }
      throw new ImagePullError(`Failed to pull image "${image}": ${message}`, 'ErrImagePull');
    }
    const have = await this.local(image);
    if (!have) throw new ImagePullError(`Failed to pull image "${image}": not found after pull`, 'ErrImagePull');
    return { ...have, pulled: true, pullMs: Date.now() - started, source: 'registry' };
  }
}
