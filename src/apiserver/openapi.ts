/**
 * The OpenAPI v3 documents, schema resolver and schema checks (src/api/openapi/), built lazily
 * on first use so start-up stays fast, and rebuilt when the set of resources changes (CRDs).
 */
import type { SchemaResolver } from '../api/openapi-types.js';
import { buildOpenApi, findTypeErrors, findUnknownFields, type ExtraSchemas, type OpenApi, type FieldTypeError } from '../api/openapi/index.js';
import type { Catalog } from './catalog.js';

export interface OpenApiService {
  rootIndex(): unknown;
  document(gvPath: string): { body: string; hash: string } | undefined;
  readonly schemaResolver: SchemaResolver;
  /** Paths such as `.spec.foo` of fields the schema of `schemaName` does not define. */
  unknownFields(obj: unknown, schemaName: string): string[];
  /** Values of the wrong JSON type. */
  typeErrors(obj: unknown, schemaName: string): FieldTypeError[];
  /** Forget the built documents (the resource set or CRD schemas changed). */
  invalidate(): void;
}

export function createOpenApiService(catalog: Catalog, extraSchemas: () => ExtraSchemas = () => ({})): OpenApiService {
  let built: OpenApi | undefined;
  const get = (): OpenApi => (built ??= buildOpenApi(catalog.all(), extraSchemas()));
  return {
    rootIndex: () => get().rootIndex(),
    document: (gv) => get().document(gv),
    schemaResolver: (name) => get().schemaResolver(name),
    unknownFields: (obj, schemaName) => findUnknownFields(obj, schemaName, get().schemaResolver),
    typeErrors: (obj, schemaName) => findTypeErrors(obj, schemaName, get().schemaResolver),
    invalidate: () => { built = undefined; },
  };
}
