/** Describers by resource, and the generic fallback. */
export { describePod } from './pod.js';
export { describeDeployment, describeService, describeNamespace, describeConfigMap, formatSelector } from './workloads.js';
export { describeGeneric, smartLabelFor } from './generic.js';
export { humanDuration, rfc1123z } from './common.js';
export { DescribeWriter } from './writer.js';
export { describeNode } from './node.js';
export type { NodeExtras } from './node.js';
export { describeSecret, describeServiceAccount } from './config.js';
export { describeJob, describeReplicaSet, describeStatefulSet, countPods } from './replicas.js';
