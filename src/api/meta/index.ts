/** Building blocks the resource entries share: JSON accessors, name rules, field errors, ages, columns, strategies. */
export { ageOf, humanDuration, rfc3339 } from './age.js';
export { column, nameColumn, ageColumn, wide, formatLabels, formatLabelSelector, containersAndImages } from './columns.js';
export { defineResource, STANDARD_VERBS, type ResourceDefinition } from './define.js';
export { formatValue, RenderedValue, required, invalid, notSupported, duplicate, forbidden, tooLong, immutable } from './field-errors.js';
export * from './json.js';
export { isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isValidLabelValue, isValidPortName, nameProblems, type NameRule } from './names.js';
export { validateObjectMeta, validateObjectMetaUpdate, validateLabels, validateAnnotations } from './object-meta.js';
export { parseQuantity } from './quantity.js';
export { makeStrategy, type StrategySpec } from './strategy.js';
