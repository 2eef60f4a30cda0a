/** Every built-in resource skiff serves, as one Registry. */
import type { ResourceType } from './types.js';
import { Registry } from './registry.js';
import { configmaps, endpoints, events, namespaces, nodes, persistentvolumeclaims, persistentvolumes, pods, secrets, serviceaccounts, services } from './resources/core/index.js';
import { controllerrevisions, daemonsets, deployments, replicasets, statefulsets } from './resources/apps/index.js';
import { cronjobs, jobs } from './resources/batch/index.js';
import { horizontalpodautoscalers } from './resources/autoscaling/index.js';
import { leases } from './resources/coordination/index.js';
import { endpointslices } from './resources/discovery/index.js';
import { eventsV1 } from './resources/events/index.js';
import { customresourcedefinitions } from './resources/apiextensions/index.js';

export const BUILTIN_RESOURCES: readonly ResourceType[] = [
  pods, nodes, namespaces, services, endpoints, configmaps, secrets, serviceaccounts, events, persistentvolumes, persistentvolumeclaims,
  deployments, replicasets, statefulsets, daemonsets, controllerrevisions,
  jobs, cronjobs,
  horizontalpodautoscalers,
  leases,
  endpointslices,
  eventsV1,
  customresourcedefinitions,
];

/** A fresh registry of the built-in resources (each API server owns one, CRDs are added to it). */
export function builtinRegistry(): Registry {
  return new Registry(BUILTIN_RESOURCES);
}
