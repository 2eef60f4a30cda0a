/** The Endpoints/EndpointSlice controller and its pure computation. */
export { EndpointsController, serviceNameLabel, managedByLabel } from './controller.js';
export { endpointSubsets, sliceShapes } from './compute.js';
