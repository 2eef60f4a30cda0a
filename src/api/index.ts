/**
 * The public face of src/api: wire types, the resource registry and its built-in entries,
 * CRD conversion, discovery documents and the printing helpers. Pure, no I/O.
 */
export * from './types.js';
export type { OpenApiSchema, SchemaResolver } from './openapi-types.js';
export { refName } from './openapi-types.js';
export { Registry, RegistryConflictError, GROUP_ORDER, type GroupVersions } from './registry.js';
export { builtinRegistry, BUILTIN_RESOURCES } from './builtin.js';
export { resourceTypesFromCRD, customSchemaName, storageVersionOf, isCRD } from './crd.js';
export { prune as pruneCustomObject, applyDefaults as applySchemaDefaults, validateCustomObject } from './crd-schema.js';
export {
  AGGREGATED_DISCOVERY_CONTENT_TYPE, aggregatedCoreDiscovery, aggregatedGroupsDiscovery, apiVersions, apiGroupList, apiGroup,
  apiResourceList, resourceDiscovery, storageVersionHash,
  type GroupDiscoveryList, type GroupDiscovery, type VersionDiscovery, type ResourceDiscovery, type SubresourceDiscovery,
} from './discovery.js';
export { ageOf, humanDuration, rfc3339 } from './meta/age.js';
export { compareKubeVersions } from './version-order.js';
export { valueAtPath } from './meta/json.js';
export { isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isValidLabelValue } from './meta/names.js';
export { selectorMatches } from './resources/apps/index.js';
export { generateJobSelector } from './resources/batch/index.js';
export { summarizePod, podQOSClass, defaultPullPolicy } from './resources/core/index.js';
