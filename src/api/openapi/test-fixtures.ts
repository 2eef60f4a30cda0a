/**
 * A registry-like list of ResourceTypes for this folder's tests, so they do not depend on
 * src/api/registry.ts. Only the fields OpenAPI reads matter; strategy and columns are empty.
 */
import type { ResourceType } from '../types.js';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Entry {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced?: boolean;
  schemaName: string;
  subresources?: string[];
  shortNames?: string[];
}

function resource(e: Entry): ResourceType {
  return {
    group: e.group,
    version: e.version,
    kind: e.kind,
    listKind: `${e.kind}List`,
    plural: e.plural,
    singular: e.kind.toLowerCase(),
    shortNames: e.shortNames ?? [],
    categories: [],
    namespaced: e.namespaced ?? true,
    verbs: ALL_VERBS,
    subresources: e.subresources ?? [],
    schemaName: e.schemaName,
    strategy: {},
    columns: [],
    row: () => [],
  };
}

const core = (kind: string, plural: string, extra: Partial<Entry> = {}): ResourceType =>
  resource({ group: '', version: 'v1', kind, plural, schemaName: `io.k8s.api.core.v1.${kind}`, ...extra });

export const TEST_RESOURCES: readonly ResourceType[] = [
  core('Pod', 'pods', { subresources: ['status', 'log', 'exec'], shortNames: ['po'] }),
  core('Service', 'services', { subresources: ['status'], shortNames: ['svc'] }),
  core('ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  core('Secret', 'secrets'),
  core('Namespace', 'namespaces', { namespaced: false, subresources: ['status'], shortNames: ['ns'] }),
  core('Node', 'nodes', { namespaced: false, subresources: ['status'], shortNames: ['no'] }),
  core('Event', 'events', { shortNames: ['ev'] }),
  core('Endpoints', 'endpoints', { shortNames: ['ep'] }),
  core('ServiceAccount', 'serviceaccounts', { shortNames: ['sa'] }),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', { subresources: ['status'], shortNames: ['pvc'] }),
  core('ReplicationController', 'replicationcontrollers', { subresources: ['status', 'scale'], shortNames: ['rc'] }),
  ...[['Deployment', 'deploy'], ['ReplicaSet', 'rs'], ['StatefulSet', 'sts']].map(([kind = '', short = '']) =>
    resource({ group: 'apps', version: 'v1', kind, plural: `${kind.toLowerCase()}s`, schemaName: `io.k8s.api.apps.v1.${kind}`, subresources: ['status', 'scale'], shortNames: [short] })),
  resource({ group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', schemaName: 'io.k8s.api.apps.v1.DaemonSet', subresources: ['status'], shortNames: ['ds'] }),
  resource({ group: 'apps', version: 'v1', kind: 'ControllerRevision', plural: 'controllerrevisions', schemaName: 'io.k8s.api.apps.v1.ControllerRevision' }),
  resource({ group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', schemaName: 'io.k8s.api.batch.v1.Job', subresources: ['status'] }),
  resource({ group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', schemaName: 'io.k8s.api.batch.v1.CronJob', subresources: ['status'], shortNames: ['cj'] }),
  resource({ group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', schemaName: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler', subresources: ['status'], shortNames: ['hpa'] }),
  resource({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', schemaName: 'io.k8s.api.coordination.v1.Lease' }),
  resource({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', schemaName: 'io.k8s.api.discovery.v1.EndpointSlice' }),
  resource({ group: 'events.k8s.io', version: 'v1', kind: 'Event', plural: 'events', schemaName: 'io.k8s.api.events.v1.Event', shortNames: ['ev'] }),
  resource({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false, schemaName: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition', subresources: ['status'], shortNames: ['crd', 'crds'] }),
];

/** A custom resource whose schema comes from its CRD (see CUSTOM_SCHEMAS). */
export const WIDGET: ResourceType = resource({ group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', schemaName: 'com.example.v1.Widget', subresources: ['status', 'scale'] });
