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

export class ImageLocality implements ScorePlugin {
  static readonly pluginName = 'ImageLocality';
  readonly name = ImageLocality.pluginName;
  constructor(private readonly snapshot: () => Snapshot) {}

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    if (node.imageSizes.size === 0) return 0;
    const spread = this.spread(state, pod);
    let sum = 0;
    const containers = pod.pod.spec.containers ?? [];
    for (const c of containers) {
      if (!c.image) continue;
      const size = node.imageSizes.get(normalizeImage(c.image)) ?? node.imageSizes.get(c.image);
      if (size !== undefined) sum += size * (spread.get(normalizeImage(c.image)) ?? 0);
    }
    const max = maxContainerThreshold * Math.max(1, containers.length);
    const clamped = Math.min(Math.max(sum, minThreshold), max);
    return Math.floor((100 * (clamped - minThreshold)) / (max - minThreshold));
  }

  /** Fraction of nodes holding each image of the pod, computed once per cycle. */
  private spread(state: CycleState, pod: PodInfo): Map<string, number> {
    const cached = state.read<Map<string, number>>('ImageLocality/spread');
    if (cached) return cached;
    const snap = this.snapshot();
    const out = new Map<string, number>();
    for (const c of pod.pod.spec.containers ?? []) {
      if (!c.image) continue;
      const name = normalizeImage(c.image);
      let having = 0;
      for (const n of snap.nodes) if (n.imageSizes.has(name) || n.imageSizes.has(c.image)) having++;
      out.set(name, snap.nodes.length ? having / snap.nodes.length : 0);
    }
    state.write('ImageLocality/spread', out);
    return out;
  }
}
