/**
 * Protobuf wire layout of scheduling.k8s.io/v1: PriorityClass.
 * Field numbers, Go JSON names and pointer/omitempty facts as in upstream's generated.proto and
 * types.go (the notation is described in dsl.ts).
 */
import type { MessageTable } from '../dsl.js';

export const schedulingV1: MessageTable = {
  PriorityClass: [
    'metadata=1:meta.ObjectMeta value=2:int32! globalDefault=3:bool description=4:string',
    'preemptionPolicy=5:string*',
  ],
};
