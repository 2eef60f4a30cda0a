/**
 * The OpenAPI v3 service the API server exposes: the `/openapi/v3` root index, one document
 * per group/version, and a schema resolver shared with strategic merge patch, server-side
 * apply and field validation. Everything is computed on first use and then memoized, so the
 * API server's startup costs nothing; a new registry (e.g. after a CRD change) means a new
 * `buildOpenApi` call.
 */
import { createHash } from 'node:crypto';
import type { OpenApiSchema, SchemaResolver } from '../openapi-types.js';
import type { GroupVersionKind, ResourceType } from '../types.js';
import { ClientModels } from './client-models.js';
import { ComponentNames } from './component-names.js';
import { BuiltinComponents, ref, referencedComponents } from './components.js';
import { DELETE_OPTIONS_COMPONENT, PATCH_COMPONENT, SCALE_COMPONENT, SCALE_GVK, STATUS_COMPONENT, buildPaths, listComponentName } from './paths.js';

export interface OpenApiRootIndex {
  readonly paths: Record<string, { readonly serverRelativeURL: string }>;
}

export interface OpenApiDocument {
  /** The document serialized once: what the server sends. */
  readonly body: string;
  /** The same document as an object (shared; do not modify). */
  readonly object: Readonly<Record<string, unknown>>;
  /** Content hash, used in `?hash=` and as the ETag; equal for equal documents. */
  readonly hash: string;
}

export interface OpenApi {
  /** Body of `GET /openapi/v3`. */
  rootIndex(): OpenApiRootIndex;
  /** Document for `api/v1` or `apis/apps/v1` (leading slash or `/openapi/v3/` prefix allowed). */
  document(gvPath: string): OpenApiDocument | undefined;
  /** Every group/version path served, e.g. `['api/v1', 'apis/apps/v1']`. */
  groupVersionPaths(): string[];
  readonly schemaResolver: SchemaResolver;
}

/** Extra component schemas, e.g. CRD `openAPIV3Schema`s keyed by the ResourceType's schemaName. */
export type ExtraSchemas = Readonly<Record<string, OpenApiSchema>>;

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const API_VERSION_DESCRIPTION = 'The versioned schema of this representation of an object, as group/version (or just the version for the core group). Servers convert objects they recognize to their latest internal form and may reject unknown versions.';
const KIND_DESCRIPTION = 'The kind of REST resource this object represents, in CamelCase. Servers may infer it from the endpoint the request was sent to. Cannot be updated.';

let sharedBuiltins: BuiltinComponents | undefined;
/** The built-in components, shared by every buildOpenApi call (the models never change). */
function builtins(): BuiltinComponents {
  if (!sharedBuiltins) {
    const models = ClientModels.locate();
    sharedBuiltins = new BuiltinComponents(models, new ComponentNames(models));
  }
  return sharedBuiltins;
}

function gvPathOf(r: { group: string; version: string }): string {
  return r.group === '' ? `api/${r.version}` : `apis/${r.group}/${r.version}`;
}

export function buildOpenApi(resources: readonly ResourceType[], extraSchemas: ExtraSchemas = {}): OpenApi {
  const gvks = new Map<string, GroupVersionKind[]>();
  const addGvk = (name: string, gvk: GroupVersionKind): void => {
    const list = gvks.get(name) ?? [];
    if (!list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) list.push(gvk);
    gvks.set(name, list);
  };
  const listOwners = new Map<string, ResourceType>();
  for (const r of resources) {
    addGvk(r.schemaName, { group: r.group, version: r.version, kind: r.kind });
    const listName = listComponentName(r);
    addGvk(listName, { group: r.group, version: r.version, kind: r.listKind });
    listOwners.set(listName, r);
    if (r.subresources.includes('scale')) addGvk(SCALE_COMPONENT, SCALE_GVK);
  }

  const resolved = new Map<string, OpenApiSchema | null>();
  const schemaResolver: SchemaResolver = (name) => {
    const hit = resolved.get(name);
    if (hit !== undefined) return hit ?? undefined;
    const base = extraSchemas[name] ? customResourceSchema(extraSchemas[name]) : builtins().get(name) ?? synthesizedList(listOwners.get(name));
    const withGvk = base && gvks.has(name) ? { ...base, 'x-kubernetes-group-version-kind': (gvks.get(name) ?? []).map(gvkObject) } : base;
    resolved.set(name, withGvk ?? null);
    return withGvk;
  };

  const byGv = new Map<string, ResourceType[]>();
  for (const r of resources) {
    const key = gvPathOf(r);
    byGv.set(key, [...(byGv.get(key) ?? []), r]);
  }
  const documents = new Map<string, OpenApiDocument>();
  const documentFor = (gvPath: string): OpenApiDocument | undefined => {
    const key = gvPath.replace(/^\/?(openapi\/v3\/)?/, '').replace(/\/$/, '');
    const cached = documents.get(key);
    if (cached) return cached;
    const members = byGv.get(key);
    if (!members) return undefined;
    const doc = buildDocument(members, schemaResolver);
    documents.set(key, doc);
    return doc;
  };

  let root: OpenApiRootIndex | undefined;
  return {
    schemaResolver,
    groupVersionPaths: () => [...byGv.keys()],
    document: documentFor,
    rootIndex(): OpenApiRootIndex {
      if (!root) {
        const paths: Record<string, { serverRelativeURL: string }> = {};
        for (const key of byGv.keys()) {
          const doc = documentFor(key);
          if (doc) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
        }
        root = { paths };
      }
      return root;
    },
  };
}

function gvkObject(g: GroupVersionKind): { group: string; version: string; kind: string } {
  return { group: g.group, kind: g.kind, version: g.version };
}

function buildDocument(resources: readonly ResourceType[], resolve: SchemaResolver): OpenApiDocument {
  const paths = buildPaths(resources);
  const wanted = new Set<string>([STATUS_COMPONENT, DELETE_OPTIONS_COMPONENT, PATCH_COMPONENT]);
  for (const r of resources) {
    wanted.add(r.schemaName);
    wanted.add(listComponentName(r));
    if (r.subresources.includes('scale')) wanted.add(SCALE_COMPONENT);
  }
  const schemas: Record<string, OpenApiSchema> = {};
  const queue = [...wanted];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (name in schemas) continue;
    const schema = resolve(name);
    if (!schema) continue;
    schemas[name] = schema;
    for (const next of referencedComponents(schema)) if (!(next in schemas)) queue.push(next);
  }
  const sorted: Record<string, OpenApiSchema> = {};
  for (const name of Object.keys(schemas).sort()) sorted[name] = schemas[name] as OpenApiSchema;
  const object = {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: sorted },
  };
  const body = JSON.stringify(object);
  const hash = createHash('sha512').update(body).digest('hex').slice(0, 64).toUpperCase();
  return { body, object, hash };
}

/**
 * A CRD's openAPIV3Schema as a component: apiVersion, kind and metadata are the standard
 * ones whatever the CRD says, as upstream publishes them.
 */
function customResourceSchema(schema: OpenApiSchema): OpenApiSchema {
  return {
    ...schema,
    type: 'object',
    properties: {
      ...(schema.properties ?? {}),
      apiVersion: { type: 'string', description: API_VERSION_DESCRIPTION },
      kind: { type: 'string', description: KIND_DESCRIPTION },
      metadata: { allOf: [ref(OBJECT_META)], description: 'Standard object metadata.' },
    },
  };
}

/** The list component of a kind without a built-in one (custom resources). */
function synthesizedList(owner: ResourceType | undefined): OpenApiSchema | undefined {
  if (!owner) return undefined;
  return {
    type: 'object',
    description: `${owner.listKind} is a list of ${owner.kind} objects.`,
    required: ['items'],
    properties: {
      apiVersion: { type: 'string', description: API_VERSION_DESCRIPTION },
      items: { type: 'array', description: `List of ${owner.plural}.`, items: ref(owner.schemaName) },
      kind: { type: 'string', description: KIND_DESCRIPTION },
      metadata: { allOf: [ref(LIST_META)], description: 'Standard list metadata.' },
    },
  };
}
