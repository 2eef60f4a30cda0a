/** The apiextensions.k8s.io/v1 resources. */
export { customresourcedefinitions } from './crd.js';
export { validateCRD } from './crd-validation.js';
