/** Mapping a manifest object to its resource, namespace and URL, with kubectl's messages. */
import type { KubeObject } from '../api/types.js';
import type { ApiResource } from '../client/index.js';
import type { Factory } from './factory.js';
import type { Manifest } from './manifests.js';
import { manifestNamespace } from './targets.js';

export interface ResolvedManifest {
  manifest: Manifest;
  resource: ApiResource;
  namespace: string | undefined;
  name: string;
  /** The object with metadata.namespace filled in, as kubectl sends it. */
  object: KubeObject;
}

export async function resolveManifest(f: Factory, m: Manifest): Promise<ResolvedManifest> {
  const obj = m.object;
  const name = obj.metadata?.name ?? '';
  let resource: ApiResource;
  try {
    resource = await f.discovery().forKind(obj.apiVersion ?? '', obj.kind ?? '');
  } catch {
    // Discovery answered but has no such kind: kubectl's message names the object and file.
    throw new Error(`resource mapping not found for name: "${name}" namespace: "${obj.metadata?.namespace ?? ''}" from "${m.source}": no matches for kind "${obj.kind ?? ''}" in version "${obj.apiVersion ?? ''}"\nensure CRDs are installed first`);
  }
  const namespace = manifestNamespace(f, obj, resource);
  const object: KubeObject = namespace ? { ...obj, metadata: { ...obj.metadata, namespace } } : obj;
  return { manifest: m, resource, namespace, name, object };
}
