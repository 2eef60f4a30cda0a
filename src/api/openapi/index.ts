/**
 * OpenAPI v3 for skiff: the `/openapi/v3` root index and per-group/version documents that
 * `kubectl explain` and kubectl's validation read, the schema resolver that strategic merge
 * patch and server-side apply use for x-kubernetes-* list/map semantics, and schema-based
 * field checks (unknown fields, wrong types) for fieldValidation.
 */
export { buildOpenApi } from './openapi.js';
export type { OpenApi, OpenApiDocument, OpenApiRootIndex, ExtraSchemas } from './openapi.js';
export { findUnknownFields, findTypeErrors } from './validation.js';
export type { FieldTypeError } from './validation.js';
export { PATCH_METADATA, patchMetadataFor } from './patch-metadata.js';
