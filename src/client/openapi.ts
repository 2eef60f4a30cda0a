/**
 * OpenAPI v3 documents from `/openapi/v3`: the index of group/version documents and each
 * document on demand (kept per client). `explain` and the client-side apply patch read
 * schemas through a SchemaResolver built here.
 */
import type { OpenApiSchema, SchemaResolver } from '../api/openapi-types.js';
import type { RestClient } from './rest.js';

export interface OpenApiDocument {
  openapi?: string;
  paths?: Record<string, Record<string, { 'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string } } | undefined>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

export class OpenApiV3 {
  private index: Promise<Record<string, { serverRelativeURL: string }>> | undefined;
  private readonly docs = new Map<string, Promise<OpenApiDocument>>();

  constructor(private readonly client: RestClient) {}

  /** The document for `api/v1` or `apis/apps/v1`. */
  async document(gvPath: string): Promise<OpenApiDocument> {
    let doc = this.docs.get(gvPath);
    if (!doc) {
      doc = this.loadDocument(gvPath);
      this.docs.set(gvPath, doc);
    }
    return doc;
  }

  private async loadDocument(gvPath: string): Promise<OpenApiDocument> {
    this.index ??= this.client.get<{ paths?: Record<string, { serverRelativeURL: string }> }>('/openapi/v3').then((r) => r.paths ?? {});
    const entry = (await this.index)[gvPath];
    if (!entry) throw new Error(`couldn't find resource for "${gvPath}"`);
    const url = new URL(entry.serverRelativeURL, 'http://placeholder');
    return this.client.get<OpenApiDocument>(url.pathname, Object.fromEntries(url.searchParams));
  }

  /** The group/version document path for a group and version. */
  static gvPath(group: string, version: string): string {
    return group === '' ? `api/${version}` : `apis/${group}/${version}`;
  }

  /** A resolver over one document's component schemas. */
  static resolver(doc: OpenApiDocument): SchemaResolver {
    return (name) => doc.components?.schemas?.[name];
  }

  /** The component name whose x-kubernetes-group-version-kind lists this GVK. */
  static schemaNameFor(doc: OpenApiDocument, group: string, version: string, kind: string): string | undefined {
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      const gvks = schema['x-kubernetes-group-version-kind'] ?? [];
      if (gvks.some((g) => g.group === group && g.version === version && g.kind === kind)) return name;
    }
    return undefined;
  }
}
