/**
 * What the API server needs from the resource registry. The registry engineer's `Registry`
 * (src/api/) satisfies it; a stand-in covers the time before it lands.
 */
import type { ResourceType } from '../api/types.js';

export interface Catalog {
  /** Every served resource, builtins first in discovery order, then custom ones. */
  all(): readonly ResourceType[];
  lookup(group: string, version: string, plural: string): ResourceType | undefined;
  /** Registers (or replaces) a CRD-defined resource. */
  addCustom(rt: ResourceType): void;
  removeCustom(group: string, plural: string): void;
}
