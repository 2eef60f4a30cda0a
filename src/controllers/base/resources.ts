/** The resources controllers read and write, beyond the client's common set. */
import { coreResources, type GroupVersionResource } from '../../client/typed/index.js';

export const gvr = {
  ...coreResources,
  serviceAccounts: { group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true },
  daemonSets: { group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true },
  statefulSets: { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true },
  controllerRevisions: { group: 'apps', version: 'v1', resource: 'controllerrevisions', namespaced: true },
  cronJobs: { group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true },
} as const satisfies Record<string, GroupVersionResource>;
