/**
 * Protobuf wire layout of rbac.authorization.k8s.io/v1: Role, ClusterRole and their bindings.
 * Field numbers, Go JSON names and pointer/omitempty facts as in upstream's generated.proto and
 * types.go (the notation is described in dsl.ts).
 */
import type { MessageTable } from '../dsl.js';

export const rbacV1: MessageTable = {
  Role: 'metadata=1:meta.ObjectMeta rules=2:[]PolicyRule!',
  ClusterRole: 'metadata=1:meta.ObjectMeta rules=2:[]PolicyRule! aggregationRule=3:AggregationRule*',
  RoleBinding: 'metadata=1:meta.ObjectMeta subjects=2:[]Subject roleRef=3:RoleRef!',
  ClusterRoleBinding: 'metadata=1:meta.ObjectMeta subjects=2:[]Subject roleRef=3:RoleRef!',
  PolicyRule: [
    'verbs=1:[]string! apiGroups=2:[]string resources=3:[]string resourceNames=4:[]string',
    'nonResourceURLs=5:[]string',
  ],
  AggregationRule: 'clusterRoleSelectors=1:[]meta.LabelSelector',
  Subject: 'kind=1:string! apiGroup=2:string name=3:string! namespace=4:string',
  RoleRef: 'apiGroup=1:string! kind=2:string! name=3:string!',
};
