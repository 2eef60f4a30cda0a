/**
 * Protobuf wire layout of autoscaling/v1: HorizontalPodAutoscaler (what `kubectl autoscale` sends).
 * Field numbers, Go JSON names and pointer/omitempty facts as in upstream's generated.proto and
 * types.go (the notation is described in dsl.ts).
 */
import type { MessageTable } from '../dsl.js';

export const autoscalingV1: MessageTable = {
  HorizontalPodAutoscaler: 'metadata=1:meta.ObjectMeta spec=2:HorizontalPodAutoscalerSpec status=3:HorizontalPodAutoscalerStatus',
  HorizontalPodAutoscalerSpec: [
    'scaleTargetRef=1:CrossVersionObjectReference! minReplicas=2:int32* maxReplicas=3:int32!',
    'targetCPUUtilizationPercentage=4:int32*',
  ],
  HorizontalPodAutoscalerStatus: [
    'observedGeneration=1:int64* lastScaleTime=2:meta.Time* currentReplicas=3:int32!',
    'desiredReplicas=4:int32! currentCPUUtilizationPercentage=5:int32*',
  ],
  CrossVersionObjectReference: 'kind=1:string! name=2:string! apiVersion=3:string',
};
