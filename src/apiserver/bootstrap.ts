/**
 * The `kubernetes` Service in `default` (first service IP, port 443) and its Endpoints
 * pointing at this API server, as upstream's apiserver maintains them; rewritten on every
 * start because the address or port may change.
 */
import type { KubeObject } from '../api/types.js';
import type { ApiContext } from './context.js';
import { kubernetesServiceIP, defaultServiceAllocation } from './allocators/service-ips.js';
import { admitCreate } from './writes/create.js';
import type { WriteOptions } from './writes/options.js';
import { finishUpdate, withRetries } from './writes/update.js';

const internal = (): WriteOptions => ({ dryRun: false, fieldManager: 'kube-apiserver', fieldValidation: 'Ignore', warnings: [] });

async function upsert(ctx: ApiContext, plural: string, desired: KubeObject, merge: (cur: KubeObject) => KubeObject): Promise<void> {
  const rt = ctx.catalog.get('', 'v1', plural);
  if (!rt) return;
  await withRetries(async () => {
    const current = await ctx.storage.get(rt, 'default', desired.metadata?.name ?? '');
    if (!current) {
      const obj = admitCreate(ctx, rt, structuredClone(desired), internal());
      await ctx.hooks.beforeStore?.(rt, obj, undefined);
      await ctx.storage.create(rt, obj);
      return;
    }
    await finishUpdate(ctx, { rt, current, updated: merge(structuredClone(current.object)), opts: internal() });
  });
}

export async function ensureKubernetesService(ctx: ApiContext, host: string, port: number): Promise<void> {
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  const ports = [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }];
  await upsert(ctx, 'services', {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default', labels },
    spec: { type: 'ClusterIP', clusterIP: kubernetesServiceIP(defaultServiceAllocation.cidr), ports, sessionAffinity: 'None' },
  }, (cur) => ({ ...cur, spec: { ...(cur.spec as object), ports } }));
  const subsets = [{ addresses: [{ ip: host }], ports: [{ name: 'https', port, protocol: 'TCP' }] }];
  await upsert(ctx, 'endpoints', {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets,
  }, (cur) => ({ ...cur, subsets }));
}
