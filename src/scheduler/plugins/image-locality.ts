/**
 * ImageLocality: prefers nodes that already hold the pod's images, weighted by image size
 * and by how many nodes have the image (an image everywhere says little), clamped between
 * upstream's thresholds of 23 MB and 1000 MB per container.
 */
import type { CycleState, ScorePlugin, Snapshot } from '../framework/types.js';
import type { NodeInfo, PodInfo } from '../framework/node-info.js';

const mb = 1024 * 1024;
const minThreshold = 23 * mb;
const maxContainerThreshold = 1000 * mb;

/** `nginx` -> `docker.io/library/nginx:latest`, as node status lists image names. */
export function normalizeImage(image: string): string {
  let name = image;
  const firstSlash = name.indexOf('/');
  const first = firstSlash < 0 ? '' : name.slice(0, firstSlash);
  if (firstSlash < 0) name = `docker.io/library/${name}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') name = `docker.io/${name}`;
  const lastSlash = name.lastIndexOf('/');
  if (!name.includes('@') && !name.slice(lastSlash).includes(':')) name += ':latest';
  return name;
}

interface PodImage { normalized: string; raw: string; spread: number }
type PodImages = PodImage[] & { containers: number };

export class ImageLocality implements ScorePlugin {
  static readonly pluginName = 'ImageLocality';
  readonly name = ImageLocality.pluginName;
  constructor(private readonly snapshot: () => Snapshot) {}

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    if (node.imageSizes.size === 0) return 0;
    const images = this.podImages(state, pod);
    let sum = 0;
    for (const image of images) {
      const size = node.imageSizes.get(image.normalized) ?? node.imageSizes.get(image.raw);
      if (size !== undefined) sum += size * image.spread;
    }
    const max = maxContainerThreshold * Math.max(1, images.containers);
    const clamped = Math.min(Math.max(sum, minThreshold), max);
    return Math.floor((100 * (clamped - minThreshold)) / (max - minThreshold));
  }

  /**
   * The pod's images (normalized once, not per node) with the fraction of nodes holding
   * each, computed once per cycle.
   */
  private podImages(state: CycleState, pod: PodInfo): PodImages {
    const cached = state.read<PodImages>('ImageLocality/images');
    if (cached) return cached;
    const snap = this.snapshot();
    const containers = pod.pod.spec.containers ?? [];
    const out: PodImages = Object.assign([], { containers: containers.length });
    for (const c of containers) {
      if (!c.image) continue;
      const normalized = normalizeImage(c.image);
      let having = 0;
      for (const n of snap.nodes) if (n.imageSizes.has(normalized) || n.imageSizes.has(c.image)) having++;
      out.push({ normalized, raw: c.image, spread: snap.nodes.length ? having / snap.nodes.length : 0 });
    }
    state.write('ImageLocality/images', out);
    return out;
  }
}
