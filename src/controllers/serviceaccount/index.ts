/** The ServiceAccount controller: a `default` ServiceAccount in every namespace. */
export { ServiceAccountController, defaultServiceAccountName } from './controller.js';
