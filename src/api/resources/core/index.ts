/** The core (legacy, group "") v1 resources. */
export { pods, podStrategy } from './pod.js';
export { podQOSClass } from './pod-qos.js';
export { nodes } from './node.js';
export { namespaces } from './namespace.js';
export { services } from './service.js';
export { endpoints } from './endpoints.js';
export { configmaps } from './configmap.js';
export { secrets } from './secret.js';
export { serviceaccounts } from './serviceaccount.js';
export { events } from './event.js';
export { persistentvolumes } from './persistentvolume.js';
export { persistentvolumeclaims, validateClaimSpec } from './persistentvolumeclaim.js';
export { defaultPodSpec, defaultPodTemplate, defaultPullPolicy } from './pod-spec-defaults.js';
export { validatePodSpec } from './pod-spec-validation.js';
export { summarizePod } from './pod-printer.js';
