/** Building blocks every controller uses: queue-driven controllers, expectations, owners, pods. */
export { QueueController } from './controller.js';
export type { Controller, ControllerContext } from './controller.js';
export { Expectations } from './expectations.js';
export { slowStartBatch } from './slow-start.js';
export { scaledValue } from './int-or-percent.js';
export { templateHash, stableJson } from './hash.js';
export { controllerRefOf, isControlledBy, newControllerRef, adoptPatch, releasePatch } from './owners.js';
export { isPodActive, isPodReady, isPodAvailable } from './pods.js';
export { LeaderElector } from './leader-election.js';
export type { LeaderElectionOptions } from './leader-election.js';
export { gvr } from './resources.js';
export type * from './objects.js';
export { podFromTemplate } from './pod-template.js';
export { claimObjects } from './claim.js';
export { RevisionHistory, revisionHashLabel, revisionTemplate } from './controller-revisions.js';
export type { ControllerRevision } from './controller-revisions.js';
export { InformerIndex, byControllerIndex, claimCandidates } from './informer-index.js';
