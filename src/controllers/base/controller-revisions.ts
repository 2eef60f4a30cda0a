/**
 * ControllerRevisions (apps/v1): immutable snapshots of a DaemonSet's or StatefulSet's pod
 * template, one per distinct template, numbered in order of use, as upstream's history
 * package. `kubectl rollout history/undo` for these kinds read them. The snapshot is the
 * patch upstream stores: {spec: {template: {..., $patch: replace}}}.
 */
import type { KubeObject } from '../../api/types.js';
import { StatusError } from '../../client/index.js';
import { ResourceClient } from '../../client/typed/index.js';
import type { RestClient } from '../../client/index.js';
import { templateHash } from './hash.js';
import type { PodTemplate } from './objects.js';
import { newControllerRef } from './owners.js';
import { gvr } from './resources.js';

export interface ControllerRevision extends KubeObject {
  data?: { spec?: { template?: PodTemplate } };
  revision?: number;
}

export const revisionHashLabel = 'controller-revision-hash';

export function revisionTemplate(cr: ControllerRevision): PodTemplate | undefined {
  const t = cr.data?.spec?.template;
  if (!t) return undefined;
  const { $patch: _ignored, ...rest } = t as PodTemplate & { $patch?: string };
  return rest;
}

export class RevisionHistory {
  private readonly client: ResourceClient<ControllerRevision>;

  constructor(rest: RestClient) {
    this.client = new ResourceClient<ControllerRevision>(rest, gvr.controllerRevisions);
  }

  /**
   * The revision for `template` among `owned` (those the owner controls), created with the
   * next number if none matches, or renumbered to be the newest if an old one is reused.
   */
  async ensure(o: { owner: KubeObject; kind: string; template: PodTemplate; owned: readonly ControllerRevision[]; selectorLabels: Record<string, string> }): Promise<{ revision: ControllerRevision; hash: string }> {
    const hash = templateHash(o.template);
    const max = o.owned.reduce((m, cr) => Math.max(m, cr.revision ?? 0), 0);
    const existing = o.owned.find((cr) => cr.metadata?.labels?.[revisionHashLabel] === hash);
    if (existing) {
      if ((existing.revision ?? 0) >= max) return { revision: existing, hash };
      const renumbered = await this.client.patch(existing.metadata?.namespace, existing.metadata?.name ?? '', 'merge', { revision: max + 1 });
      return { revision: renumbered, hash };
    }
    const cr: ControllerRevision = {
      apiVersion: 'apps/v1', kind: 'ControllerRevision',
      metadata: {
        name: `${o.owner.metadata?.name}-${hash}`, namespace: o.owner.metadata?.namespace ?? 'default',
        labels: { ...o.selectorLabels, [revisionHashLabel]: hash },
        ownerReferences: [newControllerRef(o.owner, 'apps/v1', o.kind)],
      },
      data: { spec: { template: { ...structuredClone(o.template), $patch: 'replace' } as PodTemplate } },
      revision: max + 1,
    };
    try {
      return { revision: await this.client.create(cr.metadata?.namespace, cr), hash };
    } catch (err: unknown) {
      if (err instanceof StatusError && err.code === 409) return { revision: await this.client.get(cr.metadata?.namespace, cr.metadata?.name ?? ''), hash };
      throw err;
    }
  }

  /** Deletes the oldest revisions beyond `limit`, except those still in use. */
  async truncate(owned: readonly ControllerRevision[], limit: number, inUse: ReadonlySet<string>): Promise<void> {
    const old = owned.filter((cr) => !inUse.has(cr.metadata?.labels?.[revisionHashLabel] ?? '')).sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
    for (const cr of old.slice(0, Math.max(0, old.length - limit))) {
      await this.client.delete(cr.metadata?.namespace, cr.metadata?.name ?? '').catch((err: unknown) => { if (!(err instanceof StatusError && err.code === 404)) throw err; });
    }
  }
}
