/**
 * Discovery endpoints: /api and /apis (aggregated when the client asks for it, with the exact
 * media type kubectl needs; legacy otherwise), /api/v1, /apis/G, /apis/G/V, /version.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context.js';
import { sendJson } from './http/respond.js';
import { aggregatedCoreDiscovery, aggregatedGroupsDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions } from '../api/index.js';

const aggregatedTypes = ['v2', 'v2beta1'];

/** The aggregated discovery version the Accept header asks for, if any. */
function aggregatedVersion(req: IncomingMessage): string | undefined {
  for (const entry of (req.headers.accept ?? '').split(',')) {
    const params = new Map(entry.split(';').slice(1).map((p) => p.trim().split('=') as [string, string]));
    if (params.get('g') === 'apidiscovery.k8s.io' && params.get('as') === 'APIGroupDiscoveryList') {
      const v = params.get('v');
      if (v && aggregatedTypes.includes(v)) return v;
    }
    const type = entry.split(';')[0]?.trim();
    if (type === 'application/json' || type === '*/*') return undefined;
  }
  return undefined;
}

export const versionInfo = {
  major: '1', minor: '32', gitVersion: 'v1.32.0-skiff', gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.23.0', compiler: 'gc', platform: 'linux/amd64',
};

/** Serves a discovery path; false when the path is not one. */
export function serveDiscovery(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  const registry = ctx.catalog;
  const p = pathname.replace(/\/+$/, '');
  if (p === '/api' || p === '/apis') {
    const v = aggregatedVersion(req);
    if (v) {
      const doc = { ...(p === '/api' ? aggregatedCoreDiscovery(registry) : aggregatedGroupsDiscovery(registry)), apiVersion: `apidiscovery.k8s.io/${v}` };
      sendJson(res, 200, doc, `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`);
    } else {
      sendJson(res, 200, p === '/api' ? apiVersions(req.headers.host ?? '127.0.0.1') : apiGroupList(registry));
    }
    return true;
  }
  const core = p.match(/^\/api\/([^/]+)$/);
  const group = p.match(/^\/apis\/([^/]+)$/);
  const gv = p.match(/^\/apis\/([^/]+)\/([^/]+)$/);
  const doc = core ? apiResourceList(registry, '', core[1] as string) : group ? apiGroup(registry, group[1] as string) : gv ? apiResourceList(registry, gv[1] as string, gv[2] as string) : undefined;
  if (core || group || gv) {
    if (doc === undefined) return false;
    sendJson(res, 200, doc);
    return true;
  }
  return false;
}
