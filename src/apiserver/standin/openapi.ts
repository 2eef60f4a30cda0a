/**
 * Private stand-in for src/api/openapi/ until it lands: per group/version documents with the
 * paths and operations kubectl's validation and explain look for, and loose kind schemas.
 */
import { createHash } from 'node:crypto';
import type { OpenApiSchema } from '../../api/openapi-types.js';
import type { ResourceType } from '../../api/types.js';

export interface BuiltOpenApi {
  rootIndex(): unknown;
  document(gvPath: string): { body: string; hash: string } | undefined;
}

const fieldValidationParam = { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true }, description: 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.' };

export function standinOpenApi(resources: readonly ResourceType[]): BuiltOpenApi {
  const byGv = new Map<string, ResourceType[]>();
  for (const rt of resources) {
    const gv = rt.group === '' ? `api/${rt.version}` : `apis/${rt.group}/${rt.version}`;
    byGv.set(gv, [...(byGv.get(gv) ?? []), rt]);
  }
  const docs = new Map<string, { body: string; hash: string }>();
  for (const [gv, rts] of byGv) {
    const paths: Record<string, unknown> = {};
    const schemas: Record<string, OpenApiSchema> = {
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object', description: 'ObjectMeta is metadata that all persisted resources must have.', 'x-kubernetes-preserve-unknown-fields': true },
    };
    for (const rt of rts) {
      const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
      const base = `/${gv}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}`;
      const op = (action: string, params: unknown[] = []) => ({ parameters: params, 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, responses: { '200': { description: 'OK' } } });
      paths[base] = { get: op('list'), post: op('post', [fieldValidationParam]) };
      paths[`${base}/{name}`] = { get: op('get'), put: op('put', [fieldValidationParam]), patch: op('patch', [fieldValidationParam]), delete: op('delete') };
      schemas[rt.schemaName] = {
        type: 'object', description: `${rt.kind} is a ${rt.group || 'core'} resource.`,
        properties: {
          apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
          kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
          metadata: { allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }], default: {}, description: "Standard object's metadata." },
          spec: { type: 'object', description: 'Specification of the desired behavior.', 'x-kubernetes-preserve-unknown-fields': true },
          status: { type: 'object', description: 'Most recently observed status.', 'x-kubernetes-preserve-unknown-fields': true },
        },
        'x-kubernetes-group-version-kind': [gvk],
      };
    }
    const body = JSON.stringify({ openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } });
    docs.set(gv, { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase() });
  }
  return {
    rootIndex: () => ({ paths: Object.fromEntries([...docs].map(([gv, d]) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${d.hash}` }])) }),
    document: (gvPath) => docs.get(gvPath),
  };
}
