/**
 * OpenAPI v3 for skiff: the `/openapi/v3` root index and per-group/version documents that
 * `kubectl explain` and kubectl's validation read, the schema resolver that strategic merge
 * patch and server-side apply use for x-kubernetes-* list/map semantics, and schema-based
 * field checks (unknown fields, wrong types) for fieldValidation.
 *
 * Schemas are derived at run time, lazily, from the model classes @kubernetes/client-node
 * ships (field names, types, required-ness, upstream descriptions), plus tables written here
 * for what those models lose (patch/list extensions, Quantity fields, enums, descriptions of
 * object-typed fields). Nothing is generated at build time and nothing runs at import; the
 * first document costs about 0.2 s, once per process.
 */
export { buildOpenApi } from './openapi.js';
export type { OpenApi, OpenApiDocument, OpenApiRootIndex, ExtraSchemas } from './openapi.js';
export { findUnknownFields, findTypeErrors } from './validation.js';
export type { FieldTypeError } from './validation.js';
export { PATCH_METADATA, ATOMIC_STRUCTS, patchMetadataFor } from './patch-metadata.js';
