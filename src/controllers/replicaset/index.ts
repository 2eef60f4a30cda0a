/** The ReplicaSet controller and its pure parts (deletion ranking, status). */
export { ReplicaSetController } from './controller.js';
export { compareForDeletion, podsToDelete } from './ranking.js';
export { calculateStatus } from './status.js';
