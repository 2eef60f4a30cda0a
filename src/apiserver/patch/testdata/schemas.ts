/**
 * Test fixture: a small slice of upstream's v1.32 OpenAPI v3 components (Pod, Deployment and
 * what they reference), with the same patch and list extensions, written by hand for tests.
 */
import type { OpenApiSchema, SchemaResolver } from '../../../api/openapi-types.js';

const ref = (name: string): OpenApiSchema => ({ allOf: [{ $ref: `#/components/schemas/${name}` }] });
const str: OpenApiSchema = { type: 'string' };
const int: OpenApiSchema = { type: 'integer', format: 'int32' };
const intOrString: OpenApiSchema = { 'x-kubernetes-int-or-string': true };
const stringMap: OpenApiSchema = { type: 'object', additionalProperties: { type: 'string' } };
const atomicStrings: OpenApiSchema = { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' };
const keyedList = (item: string, keys: string[], strategy = 'merge'): OpenApiSchema => ({
  type: 'array', items: ref(item), 'x-kubernetes-patch-merge-key': keys[0] ?? 'name', 'x-kubernetes-patch-strategy': strategy,
  'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': keys,
});

const CORE = 'io.k8s.api.core.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const APPS = 'io.k8s.api.apps.v1';

export const fixtureSchemas: Record<string, OpenApiSchema> = {
  [`${META}.ObjectMeta`]: {
    type: 'object',
    properties: {
      name: str, namespace: str, uid: str, resourceVersion: str, generation: { type: 'integer' },
      creationTimestamp: str, labels: stringMap, annotations: stringMap,
      finalizers: { type: 'array', items: str, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
      ownerReferences: keyedList(`${META}.OwnerReference`, ['uid']),
      managedFields: { type: 'array', items: ref(`${META}.ManagedFieldsEntry`) },
    },
  },
  [`${META}.OwnerReference`]: { type: 'object', required: ['apiVersion', 'kind', 'name', 'uid'], properties: { apiVersion: str, kind: str, name: str, uid: str, controller: { type: 'boolean' } }, 'x-kubernetes-map-type': 'atomic' },
  [`${META}.ManagedFieldsEntry`]: { type: 'object', properties: { manager: str, operation: str, apiVersion: str, time: str, fieldsType: str, fieldsV1: { type: 'object' }, subresource: str } },
  [`${META}.LabelSelector`]: { type: 'object', properties: { matchLabels: stringMap, matchExpressions: { type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'atomic' } }, 'x-kubernetes-map-type': 'atomic' },
  [`${CORE}.Pod`]: {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: { ...ref(`${META}.ObjectMeta`), default: {} }, spec: { ...ref(`${CORE}.PodSpec`), default: {} }, status: { type: 'object', properties: { phase: str, podIP: str } } },
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Pod' }],
  },
  [`${CORE}.PodSpec`]: {
    type: 'object', required: ['containers'],
    properties: {
      containers: keyedList(`${CORE}.Container`, ['name']),
      initContainers: keyedList(`${CORE}.Container`, ['name']),
      volumes: keyedList(`${CORE}.Volume`, ['name'], 'merge,retainKeys'),
      tolerations: { type: 'array', items: { type: 'object', properties: { key: str, operator: str, effect: str } }, 'x-kubernetes-list-type': 'atomic' },
      nodeSelector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
      restartPolicy: str, dnsPolicy: str, nodeName: str, serviceAccountName: str,
      terminationGracePeriodSeconds: { type: 'integer' },
      securityContext: ref(`${CORE}.PodSecurityContext`),
    },
  },
  [`${CORE}.PodSecurityContext`]: { type: 'object', properties: { runAsUser: { type: 'integer' }, runAsNonRoot: { type: 'boolean' } } },
  [`${CORE}.Container`]: {
    type: 'object', required: ['name'],
    properties: {
      name: str, image: str, imagePullPolicy: str, command: atomicStrings, args: atomicStrings, workingDir: str,
      ports: keyedList(`${CORE}.ContainerPort`, ['containerPort', 'protocol']),
      env: keyedList(`${CORE}.EnvVar`, ['name']),
      volumeMounts: keyedList(`${CORE}.VolumeMount`, ['mountPath']),
      resources: ref(`${CORE}.ResourceRequirements`),
      terminationMessagePath: str,
    },
  },
  [`${CORE}.ContainerPort`]: { type: 'object', required: ['containerPort'], properties: { name: str, containerPort: int, protocol: { type: 'string', default: 'TCP' }, hostPort: int } },
  [`${CORE}.EnvVar`]: { type: 'object', required: ['name'], properties: { name: str, value: str, valueFrom: { type: 'object', properties: { fieldRef: { type: 'object', properties: { fieldPath: str } } } } } },
  [`${CORE}.VolumeMount`]: { type: 'object', required: ['name', 'mountPath'], properties: { name: str, mountPath: str, readOnly: { type: 'boolean' } } },
  [`${CORE}.ResourceRequirements`]: { type: 'object', properties: { limits: { type: 'object', additionalProperties: intOrString }, requests: { type: 'object', additionalProperties: intOrString } } },
  [`${CORE}.Volume`]: {
    type: 'object', required: ['name'],
    properties: { name: str, emptyDir: { type: 'object', properties: { medium: str } }, hostPath: { type: 'object', properties: { path: str, type: str } }, configMap: { type: 'object', properties: { name: str } } },
  },
  [`${APPS}.Deployment`]: {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: { ...ref(`${META}.ObjectMeta`), default: {} }, spec: { ...ref(`${APPS}.DeploymentSpec`), default: {} }, status: { type: 'object', properties: { replicas: int } } },
    'x-kubernetes-group-version-kind': [{ group: 'apps', version: 'v1', kind: 'Deployment' }],
  },
  [`${APPS}.DeploymentSpec`]: {
    type: 'object', required: ['selector', 'template'],
    properties: {
      replicas: int, paused: { type: 'boolean' }, minReadySeconds: int,
      selector: ref(`${META}.LabelSelector`),
      template: { ...ref(`${CORE}.PodTemplateSpec`), default: {} },
      strategy: { ...ref(`${APPS}.DeploymentStrategy`), 'x-kubernetes-patch-strategy': 'retainKeys', default: {} },
    },
  },
  [`${APPS}.DeploymentStrategy`]: { type: 'object', properties: { type: str, rollingUpdate: ref(`${APPS}.RollingUpdateDeployment`) } },
  [`${APPS}.RollingUpdateDeployment`]: { type: 'object', properties: { maxSurge: intOrString, maxUnavailable: intOrString } },
  [`${CORE}.PodTemplateSpec`]: { type: 'object', properties: { metadata: { ...ref(`${META}.ObjectMeta`), default: {} }, spec: { ...ref(`${CORE}.PodSpec`), default: {} } } },
};

/** A custom resource as a CRD's openAPIV3Schema describes it: untyped metadata, lists atomic unless marked. */
fixtureSchemas['com.example.v1.Widget'] = {
  type: 'object',
  properties: {
    apiVersion: str, kind: str, metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        size: int, tags: { type: 'array', items: str },
        ports: { type: 'array', items: { type: 'object', properties: { name: str, port: int } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
        config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
};

export const fixtureResolver: SchemaResolver = (name) => fixtureSchemas[name];
export const WIDGET = 'com.example.v1.Widget';

export const POD = `${CORE}.Pod`;
export const DEPLOYMENT = `${APPS}.Deployment`;
