/** Table helpers for workloads: the wide CONTAINERS / IMAGES / SELECTOR cells. */
import { containersAndImages, formatLabelSelector } from '../../meta/columns.js';
import { numberAt, recordAt } from '../../meta/json.js';
import type { KubeObject } from '../../types.js';

/** [containers, images, selector] of a workload whose pod template is at spec.template. */
export function templateCells(obj: KubeObject): [string, string, string] {
  const spec = recordAt(obj, 'spec');
  const [containers, images] = containersAndImages(recordAt(recordAt(spec, 'template'), 'spec'));
  return [containers, images, formatLabelSelector(spec?.['selector'])];
}

export function intAt(obj: unknown, key: string): number {
  return numberAt(obj, key) ?? 0;
}
