/** The events.k8s.io/v1 resources. */
export { eventsV1 } from './event.js';
