/**
 * POST /apis/authentication.k8s.io/v1/selfsubjectreviews (`kubectl auth whoami`): echoes
 * the caller's identity as authentication saw it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors } from '../../machinery/errors.js';
import { sendJson } from '../http/respond.js';
import { userOf } from './authn.js';

export const selfSubjectReviewPath = /^\/apis\/authentication\.k8s\.io\/(v1|v1beta1)\/selfsubjectreviews$/;

export function serveSelfSubjectReview(req: IncomingMessage, res: ServerResponse, version: string): void {
  if (req.method !== 'POST') throw errors.methodNotAllowed(`${req.method ?? ''} is not supported on selfsubjectreviews`);
  req.resume();
  const user = userOf(req);
  if (!user) throw errors.unauthorized();
  const groups = user.groups.includes('system:authenticated') ? [...user.groups] : [...user.groups, 'system:authenticated'];
  sendJson(res, 201, {
    kind: 'SelfSubjectReview', apiVersion: `authentication.k8s.io/${version}`,
    metadata: { creationTimestamp: null },
    status: { userInfo: { username: user.name, groups } },
  });
}
