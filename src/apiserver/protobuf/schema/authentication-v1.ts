/**
 * Protobuf wire layout of authentication.k8s.io/v1: TokenRequest (`kubectl create token`), TokenReview, SelfSubjectReview (`kubectl auth whoami`); ExtraValue lives in well-known.ts.
 * Field numbers, Go JSON names and pointer/omitempty facts as in upstream's generated.proto and
 * types.go (the notation is described in dsl.ts).
 */
import type { MessageTable } from '../dsl.js';

export const authenticationV1: MessageTable = {
  TokenRequest: 'metadata=1:meta.ObjectMeta spec=2:TokenRequestSpec! status=3:TokenRequestStatus',
  TokenReview: 'metadata=1:meta.ObjectMeta spec=2:TokenReviewSpec! status=3:TokenReviewStatus',
  SelfSubjectReview: 'metadata=1:meta.ObjectMeta status=2:SelfSubjectReviewStatus',
  TokenRequestSpec: 'audiences=1:[]string! expirationSeconds=4:int64* boundObjectRef=3:BoundObjectReference*',
  TokenRequestStatus: 'token=1:string! expirationTimestamp=2:meta.Time!',
  TokenReviewSpec: 'token=1:string audiences=2:[]string',
  TokenReviewStatus: 'authenticated=1:bool user=2:UserInfo audiences=4:[]string error=3:string',
  SelfSubjectReviewStatus: 'userInfo=1:UserInfo',
  BoundObjectReference: 'kind=1:string apiVersion=2:string name=3:string uID/uid=4:string',
  UserInfo: 'username=1:string uid=2:string groups=3:[]string extra=4:{ExtraValue}',
};
