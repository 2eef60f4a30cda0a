/**
 * The Kubernetes schema extensions that strategic merge patch and server-side apply read:
 * `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` (SMP) and
 * `x-kubernetes-list-type` / `x-kubernetes-list-map-keys` / `x-kubernetes-map-type` (SSA),
 * per component and field, as the upstream Go types declare them in their struct tags.
 * Lists not named here are atomic for SSA and replaced by SMP, as upstream's defaults.
 */
import type { OpenApiSchema } from '../openapi-types.js';

type Extensions = Pick<OpenApiSchema,
  'x-kubernetes-patch-strategy' | 'x-kubernetes-patch-merge-key' | 'x-kubernetes-list-type' |
  'x-kubernetes-list-map-keys' | 'x-kubernetes-map-type'>;

/** A list merged by key under SMP and owned per item (keyed map) under SSA. */
function keyed(mergeKey: string, mapKeys: string[] = [mergeKey], strategy = 'merge'): Extensions {
  return {
    'x-kubernetes-patch-strategy': strategy,
    'x-kubernetes-patch-merge-key': mergeKey,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': mapKeys,
  };
}
const ATOMIC: Extensions = { 'x-kubernetes-list-type': 'atomic' };
const SET: Extensions = { 'x-kubernetes-list-type': 'set' };
const MERGED_SET: Extensions = { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' };
const ATOMIC_MAP: Extensions = { 'x-kubernetes-map-type': 'atomic' };
const CONDITIONS = keyed('type');
/** Upstream merges these by key under SMP but keeps them atomic under SSA. */
function mergedAtomic(mergeKey: string): Extensions {
  return { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': mergeKey, 'x-kubernetes-list-type': 'atomic' };
}
const RETAIN_KEYS: Extensions = { 'x-kubernetes-patch-strategy': 'retainKeys' };

const CORE = 'io.k8s.api.core.v1';
const APPS = 'io.k8s.api.apps.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const CONTAINER_FIELDS: Record<string, Extensions> = {
  ports: keyed('containerPort', ['containerPort', 'protocol']),
  env: keyed('name'),
  envFrom: ATOMIC,
  volumeMounts: keyed('mountPath'),
  volumeDevices: keyed('devicePath'),
  args: ATOMIC,
  command: ATOMIC,
  resizePolicy: ATOMIC,
};

/** component name -> field -> extensions. */
export const PATCH_METADATA: Readonly<Record<string, Readonly<Record<string, Extensions>>>> = {
  [`${META}.ObjectMeta`]: {
    finalizers: MERGED_SET,
    ownerReferences: keyed('uid'),
    managedFields: ATOMIC,
  },
  [`${META}.LabelSelector`]: { matchExpressions: ATOMIC },
  [`${META}.LabelSelectorRequirement`]: { values: ATOMIC },
  [`${CORE}.PodSpec`]: {
    volumes: keyed('name', ['name'], 'merge,retainKeys'),
    initContainers: keyed('name'),
    containers: keyed('name'),
    ephemeralContainers: keyed('name'),
    imagePullSecrets: keyed('name'),
    hostAliases: keyed('ip'),
    tolerations: ATOMIC,
    readinessGates: ATOMIC,
    topologySpreadConstraints: keyed('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    schedulingGates: keyed('name'),
    resourceClaims: keyed('name', ['name'], 'merge,retainKeys'),
    nodeSelector: ATOMIC_MAP,
  },
  [`${CORE}.Container`]: CONTAINER_FIELDS,
  [`${CORE}.EphemeralContainer`]: CONTAINER_FIELDS,
  [`${CORE}.PodStatus`]: {
    conditions: CONDITIONS,
    podIPs: keyed('ip'),
    hostIPs: mergedAtomic('ip'),
    containerStatuses: ATOMIC,
    initContainerStatuses: ATOMIC,
    ephemeralContainerStatuses: ATOMIC,
    resourceClaimStatuses: keyed('name', ['name'], 'merge,retainKeys'),
  },
  [`${CORE}.PodSecurityContext`]: { supplementalGroups: ATOMIC, sysctls: ATOMIC },
  [`${CORE}.Capabilities`]: { add: ATOMIC, drop: ATOMIC },
  [`${CORE}.ServiceSpec`]: {
    ports: keyed('port', ['port', 'protocol']),
    selector: ATOMIC_MAP,
    clusterIPs: ATOMIC,
    externalIPs: ATOMIC,
    ipFamilies: ATOMIC,
    loadBalancerSourceRanges: ATOMIC,
  },
  [`${CORE}.ServiceStatus`]: { conditions: CONDITIONS },
  [`${CORE}.LoadBalancerStatus`]: { ingress: ATOMIC },
  [`${CORE}.NodeSpec`]: { taints: ATOMIC, podCIDRs: MERGED_SET },
  [`${CORE}.NodeStatus`]: {
    conditions: CONDITIONS,
    addresses: keyed('type'),
    images: ATOMIC,
    volumesInUse: ATOMIC,
    volumesAttached: ATOMIC,
  },
  [`${CORE}.NamespaceSpec`]: { finalizers: ATOMIC },
  [`${CORE}.NamespaceStatus`]: { conditions: CONDITIONS },
  [`${CORE}.PersistentVolumeClaimStatus`]: { conditions: CONDITIONS, accessModes: ATOMIC },
  [`${CORE}.PersistentVolumeClaimSpec`]: { accessModes: ATOMIC },
  [`${CORE}.ReplicationControllerStatus`]: { conditions: CONDITIONS },
  [`${CORE}.Endpoints`]: { subsets: ATOMIC },
  [`${CORE}.EndpointSubset`]: { addresses: ATOMIC, notReadyAddresses: ATOMIC, ports: ATOMIC },
  [`${CORE}.ServiceAccount`]: { secrets: keyed('name'), imagePullSecrets: ATOMIC },
  [`${CORE}.NodeSelector`]: { nodeSelectorTerms: ATOMIC },
  [`${CORE}.NodeSelectorTerm`]: { matchExpressions: ATOMIC, matchFields: ATOMIC },
  [`${CORE}.LimitRangeSpec`]: { limits: ATOMIC },
  [`${CORE}.ResourceRequirements`]: { claims: keyed('name') },
  [`${CORE}.ConfigMapVolumeSource`]: { items: ATOMIC },
  [`${CORE}.SecretVolumeSource`]: { items: ATOMIC },
  [`${CORE}.ProjectedVolumeSource`]: { sources: ATOMIC },
  [`${CORE}.ExecAction`]: { command: ATOMIC },
  [`${CORE}.HTTPGetAction`]: { httpHeaders: ATOMIC },
  [`${APPS}.DeploymentSpec`]: { strategy: RETAIN_KEYS },
  [`${APPS}.DeploymentStatus`]: { conditions: CONDITIONS },
  [`${APPS}.ReplicaSetStatus`]: { conditions: CONDITIONS },
  [`${APPS}.StatefulSetStatus`]: { conditions: CONDITIONS },
  [`${APPS}.DaemonSetStatus`]: { conditions: CONDITIONS },
  [`${APPS}.StatefulSetSpec`]: { volumeClaimTemplates: ATOMIC },
  'io.k8s.api.batch.v1.JobStatus': { conditions: mergedAtomic('type') },
  'io.k8s.api.batch.v1.CronJobStatus': { active: ATOMIC },
  'io.k8s.api.batch.v1.PodFailurePolicy': { rules: ATOMIC },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': { metrics: ATOMIC },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': { conditions: CONDITIONS, currentMetrics: ATOMIC },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': { policies: ATOMIC },
  'io.k8s.api.discovery.v1.EndpointSlice': { endpoints: ATOMIC, ports: ATOMIC },
  'io.k8s.api.discovery.v1.Endpoint': { addresses: SET },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec': { versions: ATOMIC },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus': { conditions: keyed('type') },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionNames': { shortNames: ATOMIC, categories: ATOMIC },
};

/** The extensions for one field, or undefined when the field has none. */
export function patchMetadataFor(componentName: string, field: string): Extensions | undefined {
  return PATCH_METADATA[componentName]?.[field];
}

/**
 * Types upstream marks `+structType=atomic`: server-side apply owns them as a whole (a new
 * manager replaces every field), published as `x-kubernetes-map-type: atomic` on the component.
 */
export const ATOMIC_STRUCTS: ReadonlySet<string> = new Set([
  `${META}.LabelSelector`,
  `${CORE}.ObjectReference`,
  `${CORE}.LocalObjectReference`,
  `${CORE}.TypedLocalObjectReference`,
  `${CORE}.NodeSelector`,
  `${CORE}.NodeSelectorTerm`,
  `${CORE}.TopologySelectorTerm`,
  `${CORE}.ObjectFieldSelector`,
  `${CORE}.ResourceFieldSelector`,
  `${CORE}.ConfigMapKeySelector`,
  `${CORE}.SecretKeySelector`,
  `${CORE}.SecretReference`,
  `${CORE}.ConfigMapEnvSource`,
  `${CORE}.SecretEnvSource`,
]);
