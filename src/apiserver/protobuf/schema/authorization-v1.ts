/**
 * Protobuf wire layout of authorization.k8s.io/v1: the access reviews (`kubectl auth can-i`); ExtraValue lives in well-known.ts.
 * Field numbers, Go JSON names and pointer/omitempty facts as in upstream's generated.proto and
 * types.go (the notation is described in dsl.ts).
 */
import type { MessageTable } from '../dsl.js';

export const authorizationV1: MessageTable = {
  SelfSubjectAccessReview: 'metadata=1:meta.ObjectMeta spec=2:SelfSubjectAccessReviewSpec! status=3:SubjectAccessReviewStatus',
  SelfSubjectRulesReview: 'metadata=1:meta.ObjectMeta spec=2:SelfSubjectRulesReviewSpec! status=3:SubjectRulesReviewStatus',
  SubjectAccessReview: 'metadata=1:meta.ObjectMeta spec=2:SubjectAccessReviewSpec! status=3:SubjectAccessReviewStatus',
  LocalSubjectAccessReview: 'metadata=1:meta.ObjectMeta spec=2:SubjectAccessReviewSpec! status=3:SubjectAccessReviewStatus',
  SelfSubjectAccessReviewSpec: 'resourceAttributes=1:ResourceAttributes* nonResourceAttributes=2:NonResourceAttributes*',
  SubjectAccessReviewStatus: 'allowed=1:bool! denied=4:bool reason=2:string evaluationError=3:string',
  SelfSubjectRulesReviewSpec: 'namespace=1:string',
  SubjectRulesReviewStatus: [
    'resourceRules=1:[]ResourceRule! nonResourceRules=2:[]NonResourceRule! incomplete=3:bool!',
    'evaluationError=4:string',
  ],
  SubjectAccessReviewSpec: [
    'resourceAttributes=1:ResourceAttributes* nonResourceAttributes=2:NonResourceAttributes*',
    'user=3:string groups=4:[]string extra=5:{ExtraValue} uid=6:string',
  ],
  ResourceAttributes: [
    'namespace=1:string verb=2:string group=3:string version=4:string resource=5:string',
    'subresource=6:string name=7:string fieldSelector=8:FieldSelectorAttributes*',
    'labelSelector=9:LabelSelectorAttributes*',
  ],
  NonResourceAttributes: 'path=1:string verb=2:string',
  ResourceRule: 'verbs=1:[]string! apiGroups=2:[]string resources=3:[]string resourceNames=4:[]string',
  NonResourceRule: 'verbs=1:[]string! nonResourceURLs=2:[]string',
  FieldSelectorAttributes: 'rawSelector=1:string requirements=2:[]meta.FieldSelectorRequirement',
  LabelSelectorAttributes: 'rawSelector=1:string requirements=2:[]meta.LabelSelectorRequirement',
};
