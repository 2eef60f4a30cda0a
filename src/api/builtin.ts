/** Every built-in resource skiff serves, as one Registry. */
import type { ResourceType } from './types.js';
import { Registry } from './registry.js';
import { apiextensions, apps, autoscaling, batch, coordination, core, discovery, events, scheduling } from './resources/index.js';

export const BUILTIN_RESOURCES: readonly ResourceType[] = [
  core.pods, core.nodes, core.namespaces, core.services, core.endpoints, core.configmaps, core.secrets, core.serviceaccounts,
  core.events, core.persistentvolumes, core.persistentvolumeclaims,
  apps.deployments, apps.replicasets, apps.statefulsets, apps.daemonsets, apps.controllerrevisions,
  batch.jobs, batch.cronjobs,
  autoscaling.horizontalpodautoscalers,
  coordination.leases,
  scheduling.priorityclasses,
  discovery.endpointslices,
  events.eventsV1,
  apiextensions.customresourcedefinitions,
];

/** A fresh registry of the built-in resources (each API server owns one, CRDs are added to it). */
export function builtinRegistry(): Registry {
  return new Registry(BUILTIN_RESOURCES);
}
