/**
 * All message tables, loaded once into a protobufjs Root, plus which kinds may arrive as a
 * top-level request body under which apiVersion.
 */
import protobuf from 'protobufjs';
import { parseTable, toDescriptor, type MessageInfo, type MessageTable } from './dsl.js';
import { wellKnownTables } from './well-known.js';
import { appsV1 } from './schema/apps-v1.js';
import { authenticationV1 } from './schema/authentication-v1.js';
import { authorizationV1 } from './schema/authorization-v1.js';
import { autoscalingV1 } from './schema/autoscaling-v1.js';
import { autoscalingV2 } from './schema/autoscaling-v2.js';
import { batchV1 } from './schema/batch-v1.js';
import { corePodV1 } from './schema/core-pod-v1.js';
import { coreV1 } from './schema/core-v1.js';
import { metaV1 } from './schema/meta-v1.js';
import { networkingV1 } from './schema/networking-v1.js';
import { policyV1 } from './schema/policy-v1.js';
import { rbacV1 } from './schema/rbac-v1.js';
import { schedulingV1 } from './schema/scheduling-v1.js';

/** Per apiVersion: the package of our tables, and the kinds accepted as request bodies. */
export const bodyKinds: Readonly<Record<string, { readonly pkg: string; readonly kinds: readonly string[] }>> = {
  v1: { pkg: 'core', kinds: ['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'ResourceQuota', 'Pod', 'PodTemplate'] },
  'apps/v1': { pkg: 'apps', kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'] },
  'batch/v1': { pkg: 'batch', kinds: ['Job', 'CronJob'] },
  'autoscaling/v1': { pkg: 'autoscalingv1', kinds: ['HorizontalPodAutoscaler'] },
  'autoscaling/v2': { pkg: 'autoscalingv2', kinds: ['HorizontalPodAutoscaler'] },
  'networking.k8s.io/v1': { pkg: 'networking', kinds: ['Ingress'] },
  'rbac.authorization.k8s.io/v1': { pkg: 'rbac', kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'] },
  'policy/v1': { pkg: 'policy', kinds: ['PodDisruptionBudget', 'Eviction'] },
  'authorization.k8s.io/v1': { pkg: 'authorization', kinds: ['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview', 'LocalSubjectAccessReview'] },
  'authentication.k8s.io/v1': { pkg: 'authentication', kinds: ['TokenRequest', 'TokenReview', 'SelfSubjectReview'] },
  'scheduling.k8s.io/v1': { pkg: 'scheduling', kinds: ['PriorityClass'] },
};

const tables: ReadonlyArray<readonly [string, MessageTable]> = [
  ['core', coreV1], ['core', corePodV1], ['apps', appsV1], ['batch', batchV1],
  ['autoscalingv1', autoscalingV1], ['autoscalingv2', autoscalingV2], ['networking', networkingV1],
  ['rbac', rbacV1], ['policy', policyV1], ['scheduling', schedulingV1], ['meta', metaV1],
  ['authorization', authorizationV1], ['authentication', authenticationV1],
  ...Object.entries(wellKnownTables),
];

export interface Schema {
  readonly root: protobuf.Root;
  readonly messages: ReadonlyMap<string, MessageInfo>;
}

let loaded: Schema | undefined;

/**
 * Builds the schema on first use and resolves every type reference: about 0.1-0.2 s once, paid
 * by the first protobuf request rather than by every server start.
 */
export function schema(): Schema {
  if (loaded) return loaded;
  const infos = tables.flatMap(([pkg, table]) => parseTable(pkg, table));
  const root = protobuf.Root.fromJSON(toDescriptor(infos));
  root.resolveAll();
  loaded = { root, messages: new Map(infos.map((info) => [info.fullName, info])) };
  return loaded;
}
