/**
 * The endpoint remote node agents push their usage summaries to (the in-process agent
 * registers a provider instead): `POST /internal/metrics/v1/nodes/NODE` with the summary as
 * JSON. It sits before the API's routing, so it authenticates itself as the API does, and
 * lets only the node itself (system:node:NODE, as NodeRestriction) or an admin
 * (system:masters) report for a node.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errors } from '../machinery/errors.js';
import { authenticate } from './auth/authn.js';
import { sendError, sendJson } from './http/respond.js';
import type { MetricsSources, NodeUsageSummary, PodUsageSummary, UsageSummary } from './metrics-api.js';

export const metricsPushPrefix = '/internal/metrics/v1/nodes/';
const maxBodyBytes = 4 * 1024 * 1024;

export type PreAuthHandler = (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > maxBodyBytes) throw new ApiError(413, 'RequestEntityTooLarge', 'the summary is too large', {});
    chunks.push(c as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err: unknown) {
    throw errors.badRequest(`the summary is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** The summary if it has the expected shape and is about `nodeName`; else a 400. */
export function parseSummary(body: unknown, nodeName: string): UsageSummary {
  const bad = (what: string): ApiError => errors.badRequest(`invalid usage summary: ${what}`);
  if (typeof body !== 'object' || body === null) throw bad('not an object');
  const { node, pods } = body as { node?: Partial<NodeUsageSummary>; pods?: Array<Partial<PodUsageSummary>> };
  if (node !== undefined) {
    if (node.nodeName !== nodeName) throw bad(`node is ${String(node.nodeName)}, not ${nodeName}`);
    if (!isStr(node.timestamp) || !isNum(node.windowSeconds) || !isNum(node.cpuNanoCores) || !isNum(node.memoryWorkingSetBytes)) throw bad('node figures');
  }
  if (!Array.isArray(pods)) throw bad('pods is not a list');
  for (const p of pods) {
    if (!isStr(p.namespace) || !isStr(p.name) || !isStr(p.uid) || !isStr(p.timestamp) || !isNum(p.windowSeconds) || !Array.isArray(p.containers)) throw bad('pod figures');
    for (const c of p.containers) if (!isStr(c.name) || !isNum(c.cpuNanoCores) || !isNum(c.memoryWorkingSetBytes)) throw bad(`container figures of ${p.namespace}/${p.name}`);
  }
  return body as UsageSummary;
}

/** The pre-auth handler taking pushes; `token` is the server's bearer token once it is known. */
export function metricsPushHandler(sources: MetricsSources, token: () => string | undefined): PreAuthHandler {
  return async (req, res, pathname) => {
    if (!pathname.startsWith(metricsPushPrefix)) return false;
    try {
      const nodeName = decodeURIComponent(pathname.slice(metricsPushPrefix.length));
      if (!nodeName || nodeName.includes('/')) throw errors.badRequest('a node name is required');
      if (req.method !== 'POST') throw errors.methodNotAllowed(`${req.method ?? ''} is not supported`);
      const user = authenticate(req, token() ?? '');
      if (!user) throw errors.unauthorized();
      if (!user.groups.includes('system:masters') && user.name !== `system:node:${nodeName}`) {
        throw new ApiError(403, 'Forbidden', `user "${user.name}" may not report usage for node "${nodeName}"`, {});
      }
      sources.push(nodeName, parseSummary(await readJson(req), nodeName));
      sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 });
    } catch (err: unknown) {
      sendError(res, err instanceof ApiError ? err : errors.internal(err instanceof Error ? err.message : String(err)));
    }
    return true;
  };
}
