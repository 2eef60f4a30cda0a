/** The Deployment controller and its pure parts (rolling-update arithmetic, status, revisions). */
export { DeploymentController } from './controller.js';
export { newReplicaSetTarget, oldReplicaSetTargets, surgeAndUnavailable } from './rolling.js';
export { calculateStatus, updateProgressing, isComplete } from './status.js';
export { equalIgnoringHash, findNewReplicaSet, revisionOf, revisionAnnotation, hashLabel } from './revisions.js';
export { autoRollbackAnnotation, rolledBackFromAnnotation, rollbackTarget } from './auto-rollback.js';
