/**
 * Components that are not generated from a client-node class: the apimachinery scalar types
 * (Time, MicroTime, Quantity, IntOrString) and the opaque or polymorphic values (RawExtension,
 * FieldsV1, the apiextensions JSON* helpers). Shapes follow upstream's v3 documents so that
 * `kubectl explain` prints `<string>` for times and `<Quantity>` / `<IntOrString>` for the
 * int-or-string types; `x-kubernetes-int-or-string` marks the latter two for validators.
 */
import type { OpenApiSchema } from '../openapi-types.js';

/** OpenApiSchema plus the one JSON-schema keyword these need that the shared type lacks. */
export type SchemaWithOneOf = OpenApiSchema & { oneOf?: OpenApiSchema[] };

const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';
const ANY_JSON = 'Any JSON value: object, array, string, number, boolean or null.';

export const SPECIAL_COMPONENTS: Readonly<Record<string, SchemaWithOneOf>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': {
    type: 'string',
    format: 'date-time',
    description: 'A point in time, serialized as an RFC 3339 string in UTC with second precision, e.g. "2024-05-01T12:00:00Z".',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': {
    type: 'string',
    format: 'date-time',
    description: 'A point in time with microsecond precision, serialized as an RFC 3339 string, e.g. "2024-05-01T12:00:00.000123Z".',
  },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    oneOf: [{ type: 'string' }, { type: 'number' }],
    'x-kubernetes-int-or-string': true,
    description: 'A fixed-point amount of a resource, written as a number with an optional suffix: binary (Ki, Mi, Gi, Ti, Pi, Ei), decimal (n, u, m, k, M, G, T, P, E) or a decimal exponent (e.g. 1e3). For example "500m" CPU is half a core and "128Mi" memory is 128 * 2^20 bytes. Servers write it back in canonical form.',
  },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    format: 'int-or-string',
    'x-kubernetes-int-or-string': true,
    description: 'Either an integer or a string; a field of this type accepts a number (e.g. a port number) or a name or percentage (e.g. "http" or "25%").',
  },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    description: 'An embedded object, kept as the JSON it was written as.',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    description: 'A set of fields in the FieldsV1 format used by server-side apply: each key is a field (`f:name`), list item (`k:{...}`, `v:...`, `i:N`) or `.` for the item itself.',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': {
    type: 'object',
    description: 'The body of a PATCH request; its format is given by the Content-Type (JSON patch, merge patch, strategic merge patch or apply).',
  },
  [`${APIEXT}.JSON`]: { 'x-kubernetes-preserve-unknown-fields': true, description: ANY_JSON },
  [`${APIEXT}.JSONSchemaPropsOrBool`]: { 'x-kubernetes-preserve-unknown-fields': true, description: 'Either a schema or a boolean; false forbids additional properties (or items), true allows any.' },
  [`${APIEXT}.JSONSchemaPropsOrArray`]: { 'x-kubernetes-preserve-unknown-fields': true, description: 'Either one schema for every item or an array of schemas, one per position.' },
  [`${APIEXT}.JSONSchemaPropsOrStringArray`]: { 'x-kubernetes-preserve-unknown-fields': true, description: 'Either a schema or a list of property names.' },
  [`${APIEXT}.CustomResourceSubresourceStatus`]: {
    type: 'object',
    description: 'Enables the status subresource. When set, the main endpoint ignores changes to status and the /status endpoint ignores everything but status.',
  },
};
