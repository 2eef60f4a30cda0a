/**
 * Protobuf wire layout of policy/v1: PodDisruptionBudget, Eviction.
 * Field numbers, Go JSON names and pointer/omitempty facts as in upstream's generated.proto and
 * types.go (the notation is described in dsl.ts).
 */
import type { MessageTable } from '../dsl.js';

export const policyV1: MessageTable = {
  PodDisruptionBudget: 'metadata=1:meta.ObjectMeta spec=2:PodDisruptionBudgetSpec status=3:PodDisruptionBudgetStatus',
  Eviction: 'metadata=1:meta.ObjectMeta deleteOptions=2:meta.DeleteOptions*',
  PodDisruptionBudgetSpec: [
    'minAvailable=1:intstr.IntOrString* selector=2:meta.LabelSelector*',
    'maxUnavailable=3:intstr.IntOrString* unhealthyPodEvictionPolicy=4:string*',
  ],
  PodDisruptionBudgetStatus: [
    'observedGeneration=1:int64 disruptedPods=2:{meta.Time} disruptionsAllowed=3:int32!',
    'currentHealthy=4:int32! desiredHealthy=5:int32! expectedPods=6:int32! conditions=7:[]meta.Condition',
  ],
};
