/**
 * Field types the generated client models flatten: resource.Quantity becomes a plain string,
 * and opaque or polymorphic values (RawExtension, FieldsV1, JSON, JSONSchemaPropsOr*) become
 * `any`. This table restores the upstream component each such field refers to.
 * Keys are `<ClientClass>.<jsonName>`.
 */

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';

/** Fields holding a Quantity, or a map of name -> Quantity. */
export const QUANTITY_FIELDS: ReadonlySet<string> = new Set([
  'V1ResourceRequirements.limits', 'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits', 'V1VolumeResourceRequirements.requests',
  'V1NodeStatus.capacity', 'V1NodeStatus.allocatable',
  'V1ResourceQuotaSpec.hard', 'V1ResourceQuotaStatus.hard', 'V1ResourceQuotaStatus.used',
  'V1LimitRangeItem.max', 'V1LimitRangeItem.min', 'V1LimitRangeItem.default',
  'V1LimitRangeItem.defaultRequest', 'V1LimitRangeItem.maxLimitRequestRatio',
  'V1PersistentVolumeSpec.capacity',
  'V1PersistentVolumeClaimStatus.capacity', 'V1PersistentVolumeClaimStatus.allocatedResources',
  'V1EmptyDirVolumeSource.sizeLimit', 'V1ResourceFieldSelector.divisor',
  'V1PodSpec.overhead', 'V1ContainerStatus.allocatedResources',
  'V2MetricTarget.averageValue', 'V2MetricTarget.value',
  'V2MetricValueStatus.averageValue', 'V2MetricValueStatus.value',
  'V1CSIStorageCapacity.capacity', 'V1CSIStorageCapacity.maximumVolumeSize',
  'V1RuntimeClass.overhead', 'V1Overhead.podFixed',
]);

export function quantityComponent(): string {
  return QUANTITY;
}

/** `any`-typed fields -> the component they really are. Unlisted `any` fields are RawExtension. */
export const ANY_FIELD_COMPONENTS: Readonly<Record<string, string>> = {
  'V1ManagedFieldsEntry.fieldsV1': 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
  'V1CustomResourceSubresources.status': `${APIEXT}.CustomResourceSubresourceStatus`,
  'V1JSONSchemaProps.additionalItems': `${APIEXT}.JSONSchemaPropsOrBool`,
  'V1JSONSchemaProps.additionalProperties': `${APIEXT}.JSONSchemaPropsOrBool`,
  'V1JSONSchemaProps.default': `${APIEXT}.JSON`,
  'V1JSONSchemaProps.example': `${APIEXT}.JSON`,
  'V1JSONSchemaProps.items': `${APIEXT}.JSONSchemaPropsOrArray`,
  'V1JSONSchemaProps.enum': `${APIEXT}.JSON`,
  'V1JSONSchemaProps.dependencies': `${APIEXT}.JSONSchemaPropsOrStringArray`,
  'V1WatchEvent.object': 'io.k8s.apimachinery.pkg.runtime.RawExtension',
};

export const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

/**
 * Defaults upstream publishes in its schemas that server-side apply relies on: a list-map key
 * that may be omitted (ports are keyed by port and protocol, and protocol defaults to TCP).
 */
export const FIELD_DEFAULTS: Readonly<Record<string, unknown>> = {
  'V1ContainerPort.protocol': 'TCP',
  'V1ServicePort.protocol': 'TCP',
  // imagePullSecrets are keyed by name, which upstream lets default to "".
  'V1LocalObjectReference.name': '',
};
