/**
 * Namespace lifecycle inside the API server: the four system namespaces exist from the start,
 * and a deleted namespace is emptied (each object deleted, finalizers honoured) before the
 * namespace itself goes, as upstream's namespace controller does.
 */
import type { KubeObject } from '../api/types.js';
import type { ApiContext } from './context.js';
import { admitCreate } from './writes/create.js';
import { deleteObject } from './writes/delete.js';
import { namespaceResource } from './writes/namespace-guard.js';
import { finishUpdate } from './writes/update.js';
import type { WriteOptions } from './writes/options.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const internalWrite = (): WriteOptions => ({ dryRun: false, fieldManager: 'skiff-apiserver', fieldValidation: 'Ignore', warnings: [] });

export async function ensureSystemNamespaces(ctx: ApiContext): Promise<void> {
  const rt = namespaceResource(ctx);
  if (!rt) return;
  for (const name of systemNamespaces) {
    if (await ctx.storage.get(rt, undefined, name)) continue;
    const obj: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } };
    try {
      await ctx.storage.create(rt, admitCreate(ctx, rt, obj, internalWrite()));
    } catch { /* created concurrently by another server on the same store: fine */ }
  }
}

/** Empties terminating namespaces; retried on a timer while content with finalizers remains. */
export class NamespaceFinalizer {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;

  constructor(private readonly ctx: ApiContext, private readonly retryMs = 1000) {}

  /** Resumes namespaces that were terminating when the server last stopped. */
  async resume(): Promise<void> {
    const rt = namespaceResource(this.ctx);
    if (!rt) return;
    const page = await this.ctx.storage.list(rt, undefined, {});
    for (const ns of page.items) if (ns.metadata?.deletionTimestamp) this.enqueue(ns.metadata.name ?? '');
  }

  enqueue(name: string): void {
    if (this.stopped) return;
    this.pending.add(name);
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, ms);
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const name of [...this.pending]) {
        if (this.stopped) return;
        if (await this.finalize(name)) this.pending.delete(name);
      }
    } catch (err: unknown) {
      this.ctx.logger.warn({ err }, 'namespace finalization failed; will retry');
    } finally {
      this.running = false;
      if (this.pending.size > 0) this.schedule(this.retryMs);
    }
  }

  /** True when the namespace is gone (or no longer terminating). */
  private async finalize(name: string): Promise<boolean> {
    const nsType = namespaceResource(this.ctx);
    if (!nsType) return true;
    const ns = await this.ctx.storage.get(nsType, undefined, name);
    if (!ns || !ns.object.metadata?.deletionTimestamp) return true;
    let remaining = 0;
    for (const rt of this.ctx.catalog.all()) {
      if (!rt.namespaced || !rt.verbs.includes('delete')) continue;
      const page = await this.ctx.storage.list(rt, name, {});
      for (const item of page.items) {
        remaining++;
        if (item.metadata?.deletionTimestamp) continue;
        try {
          await deleteObject(this.ctx, rt, name, item.metadata?.name ?? '', {}, internalWrite());
        } catch { /* deleted concurrently; counted as remaining until the next pass sees it gone */ }
      }
    }
    if (remaining > 0) return false;
    const obj = structuredClone(ns.object);
    const spec = (obj.spec ?? {}) as { finalizers?: string[] };
    spec.finalizers = (spec.finalizers ?? []).filter((f) => f !== 'kubernetes');
    obj.spec = spec;
    await finishUpdate(this.ctx, { rt: nsType, current: ns, updated: obj, opts: internalWrite(), subresource: 'finalize' });
    return true;
  }
}
