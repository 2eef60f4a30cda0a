/** The discovery.k8s.io/v1 resources. */
export { endpointslices } from './endpointslice.js';
