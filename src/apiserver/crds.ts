/**
 * CustomResourceDefinitions take effect at once: creating one registers its resources
 * (discovery, OpenAPI, routing), its status says Established and NamesAccepted, deleting it
 * removes its custom objects and unregisters it. On start, stored CRDs load before serving.
 */
import type { OpenApiSchema } from '../api/openapi-types.js';
import type { KubeObject, ResourceType } from '../api/types.js';
import type { ApiContext } from './context.js';
import { listPrefix } from './storage/keys.js';
import { resourceTypesFromCRD } from '../api/index.js';

export function isCrdType(rt: ResourceType): boolean {
  return rt.group === 'apiextensions.k8s.io' && rt.kind === 'CustomResourceDefinition';
}

export function crdResources(crd: KubeObject): ResourceType[] {
  return resourceTypesFromCRD(crd);
}

export class CrdManager {
  /** Which resources each CRD (by name) registered, to unregister them. */
  private readonly registered = new Map<string, ResourceType[]>();

  /** `schemas` is shared with the OpenAPI service: schemaName -> the CRD version's openAPIV3Schema. */
  constructor(private readonly ctx: ApiContext, private readonly schemas: Record<string, OpenApiSchema>) {}

  isCustom(rt: ResourceType): boolean {
    return [...this.registered.values()].some((list) => list.some((r) => r.group === rt.group && r.plural === rt.plural));
  }

  private setSchemas(crd: KubeObject, rts: readonly ResourceType[], present: boolean): void {
    const versions = ((crd.spec as { versions?: Array<{ name?: string; schema?: { openAPIV3Schema?: OpenApiSchema } }> } | undefined)?.versions) ?? [];
    for (const rt of rts) {
      if (!present) { delete this.schemas[rt.schemaName]; continue; }
      const schema = versions.find((v) => v.name === rt.version)?.schema?.openAPIV3Schema;
      this.schemas[rt.schemaName] = schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    }
  }

  async loadAll(crdType: ResourceType): Promise<void> {
    const page = await this.ctx.storage.list(crdType, undefined, {});
    for (const crd of page.items) this.register(crd);
  }

  register(crd: KubeObject): void {
    const name = crd.metadata?.name ?? '';
    const previous = this.registered.get(name) ?? [];
    const next = crdResources(crd);
    for (const rt of previous) if (!next.some((n) => n.version === rt.version)) this.ctx.catalog.removeCustom(rt.group, rt.plural);
    this.setSchemas(crd, previous, false);
    this.setSchemas(crd, next, true);
    for (const rt of next) {
      try {
        this.ctx.catalog.addCustom(rt);
      } catch (err: unknown) {
        // A CRD may not shadow a built-in resource; it stays stored but unserved.
        this.ctx.logger.warn({ err, crd: name }, 'CRD resource not registered');
      }
    }
    this.registered.set(name, next);
    this.ctx.openapi.invalidate();
  }

  /** The CRD is gone: its objects go too, then its resources. */
  async unregister(crd: KubeObject): Promise<void> {
    const name = crd.metadata?.name ?? '';
    const rts = this.registered.get(name) ?? crdResources(crd);
    this.registered.delete(name);
    this.setSchemas(crd, rts, false);
    const first = rts[0];
    if (first) {
      const prefix = listPrefix({ ...first, namespaced: false }, undefined);
      const page = await this.ctx.storage.store.range(prefix);
      if ('items' in page) for (const kv of page.items) await this.ctx.storage.store.delete(kv.key);
      this.ctx.catalog.removeCustom(first.group, first.plural);
    }
    this.ctx.openapi.invalidate();
  }
}
