/**
 * `kubectl describe TYPE [NAME_PREFIX] | TYPE/NAME | -f FILE [-l selector]`: reads each
 * object (names also match as prefixes, as kubectl does), its events and related objects,
 * and prints the kind's describer output, blank lines between objects.
 */
import type { KubeObject } from '../../api/types.js';
import { StatusError, groupResource, resourcePath } from '../../client/index.js';
import type { ApiResource } from '../../client/index.js';
import { flagArray, flagBool, flagString, UsageError } from '../args.js';
import { fileFlags } from '../command.js';
import type { Command } from '../command.js';
import type { Factory } from '../factory.js';
import { readManifests } from '../manifests.js';
import { resolveManifest } from '../resolve-manifest.js';
import { resolveTargets } from '../targets.js';
import { deepEqual } from '../apply/index.js';
import { countPods, describeJob, describeReplicaSet, describeStatefulSet, describeConfigMap, describeDeployment, describeGeneric, describeNamespace, describeNode, describePod, describeSecret, describeService, describeServiceAccount, formatSelector } from '../describe/index.js';

/** `byPrefix`: found by name prefix, which kubectl prints followed by a blank line. */
interface Item { resource: ApiResource; object: KubeObject; byPrefix?: boolean }

export const describeCommand: Command = {
  name: 'describe',
  flags: {
    ...fileFlags,
    selector: { type: 'string', short: 'l' },
    'all-namespaces': { type: 'bool', short: 'A' },
    'show-events': { type: 'bool', default: true },
    'chunk-size': { type: 'string' },
  },
  async run(f) {
    const items: Item[] = [];
    const files = flagArray(f.args, 'filename');
    const allNamespaces = flagBool(f.args, 'all-namespaces');
    const selector = flagString(f.args, 'selector');
    if (files.length > 0) {
      for (const m of await readManifests(files, f.io, { recursive: flagBool(f.args, 'recursive'), verb: 'describe' })) {
        const r = await resolveManifest(f, m);
        try {
          items.push({ resource: r.resource, object: await f.client().get<KubeObject>(resourcePath(r.resource, { ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name })) });
        } catch (err: unknown) { f.fail(err); }
      }
    } else {
      if (f.args.positional.length === 0) throw new UsageError('You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.');
      for (const t of await resolveTargets(f, f.args.positional)) {
        const namespace = t.resource.namespaced && !allNamespaces ? f.namespace() : undefined;
        const collection = resourcePath(t.resource, namespace ? { namespace } : {});
        if (t.names.length === 0) {
          const list = await f.client().get<{ items?: KubeObject[] }>(collection, selector ? { labelSelector: selector } : undefined);
          for (const o of list.items ?? []) items.push({ resource: t.resource, object: o });
          continue;
        }
        for (const name of t.names) {
          try {
            items.push({ resource: t.resource, object: await f.client().get<KubeObject>(`${collection}/${encodeURIComponent(name)}`) });
          } catch (err: unknown) {
            if (!(err instanceof StatusError && err.code === 404)) throw err;
            // kubectl falls back to every object whose name starts with the argument.
            const list = await f.client().get<{ items?: KubeObject[] }>(collection);
            const matches = (list.items ?? []).filter((o) => (o.metadata?.name ?? '').startsWith(name));
            if (matches.length === 0) { f.fail(err); continue; }
            for (const o of matches) items.push({ resource: t.resource, object: o, byPrefix: true });
          }
        }
      }
      if (items.length === 0 && f.failures.length === 0) {
        // kubectl names the namespace here even for cluster-scoped kinds.
        f.io.err(allNamespaces ? 'No resources found\n' : `No resources found in ${f.namespace()} namespace.\n`);
        return 0;
      }
    }
    const showEvents = flagBool(f.args, 'show-events');
    let first = true;
    for (const item of items) {
      const text = await describeOne(f, item, showEvents);
      if (item.byPrefix) { f.io.out(`${text}\n`); continue; }
      f.io.out(first ? text : `\n\n${text}`);
      first = false;
    }
    return 0;
  },
};

async function eventsFor(f: Factory, o: KubeObject, kind: string | undefined): Promise<KubeObject[]> {
  const meta = o.metadata ?? {};
  const parts = [`involvedObject.name=${meta.name ?? ''}`, `involvedObject.namespace=${meta.namespace ?? ''}`];
  if (kind) parts.push(`involvedObject.kind=${kind}`);
  if (meta.uid) parts.push(`involvedObject.uid=${meta.uid}`);
  const path = meta.namespace ? `/api/v1/namespaces/${encodeURIComponent(meta.namespace)}/events` : '/api/v1/events';
  try {
    const list = await f.client().get<{ items?: KubeObject[] }>(path, { fieldSelector: parts.join(','), limit: '500' });
    return list.items ?? [];
  } catch {
    // kubectl ignores event lookup failures and still describes the object.
    return [];
  }
}

async function replicaSetsOf(f: Factory, d: KubeObject): Promise<{ old: KubeObject[]; current: KubeObject[] } | undefined> {
  const spec = (d['spec'] ?? {}) as { selector?: unknown; template?: { metadata?: { labels?: Record<string, string> } } };
  try {
    const list = await f.client().get<{ items?: KubeObject[] }>(`/apis/apps/v1/namespaces/${encodeURIComponent(d.metadata?.namespace ?? '')}/replicasets`, { labelSelector: formatSelector(spec.selector), limit: '500' });
    const owned = (list.items ?? []).filter((rs) => (rs.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.uid === d.metadata?.uid));
    const withoutHash = (t: unknown): unknown => {
      const tpl = JSON.parse(JSON.stringify(t ?? {})) as { metadata?: { labels?: Record<string, string> } };
      if (tpl.metadata?.labels) delete tpl.metadata.labels['pod-template-hash'];
      return tpl;
    };
    const want = withoutHash(spec.template);
    const current = owned.filter((rs) => deepEqual(withoutHash((rs['spec'] as { template?: unknown } | undefined)?.template), want)).slice(0, 1);
    return { old: owned.filter((rs) => !current.includes(rs)), current };
  } catch {
    return undefined;
  }
}

async function describeNodeWithExtras(f: Factory, node: KubeObject, showEvents: boolean, now: number): Promise<string> {
  const name = node.metadata?.name ?? '';
  const pods = await f.client().get<{ items?: KubeObject[] }>('/api/v1/pods', { fieldSelector: `spec.nodeName=${name},status.phase!=Succeeded,status.phase!=Failed`, limit: '500' });
  let events: KubeObject[] | undefined;
  if (showEvents) {
    // Node events are recorded with the node's uid (controllers) or its name (kubelet).
    const byUid = await eventsFor(f, node, 'Node');
    const byName = await eventsFor(f, { ...node, metadata: { ...node.metadata, uid: name } }, 'Node');
    events = [...byUid, ...byName];
  }
  let lease: KubeObject | { error: string };
  try {
    lease = await f.client().get<KubeObject>(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${encodeURIComponent(name)}`);
  } catch (err: unknown) {
    lease = { error: err instanceof Error ? err.message : String(err) };
  }
  return describeNode(node, { pods: pods.items ?? [], events, lease }, now);
}

async function describeServiceAccountWithSecrets(f: Factory, sa: KubeObject, showEvents: boolean, now: number): Promise<string> {
  const tokens: string[] = [];
  const missing = new Set<string>();
  try {
    const secrets = await f.client().get<{ items?: KubeObject[] }>(`/api/v1/namespaces/${encodeURIComponent(sa.metadata?.namespace ?? '')}/secrets`, { limit: '500' });
    const existing = new Set((secrets.items ?? []).map((s) => s.metadata?.name ?? ''));
    for (const s of secrets.items ?? []) {
      const ann = s.metadata?.annotations ?? {};
      if (s['type'] === 'kubernetes.io/service-account-token' && ann['kubernetes.io/service-account.name'] === sa.metadata?.name && ann['kubernetes.io/service-account.uid'] === sa.metadata?.uid) tokens.push(s.metadata?.name ?? '');
    }
    const referenced = [...((sa['secrets'] as Array<{ name?: string }> | undefined) ?? []), ...((sa['imagePullSecrets'] as Array<{ name?: string }> | undefined) ?? [])];
    for (const r of referenced) if (r.name && !existing.has(r.name)) missing.add(r.name);
  } catch {
    // kubectl describes the account with what it references even when secrets cannot be listed.
  }
  return describeServiceAccount(sa, tokens, missing, showEvents ? await eventsFor(f, sa, 'ServiceAccount') : undefined, now);
}

/** Phases of the pods a workload owns (listed by its selector, filtered by owner). */
async function podCounts(f: Factory, o: KubeObject): Promise<ReturnType<typeof countPods>> {
  const selector = formatSelector((o['spec'] as { selector?: unknown } | undefined)?.selector);
  const query: Record<string, string> = { limit: '500' };
  if (selector !== '<none>') query['labelSelector'] = selector;
  const pods = await f.client().get<{ items?: KubeObject[] }>(`/api/v1/namespaces/${encodeURIComponent(o.metadata?.namespace ?? '')}/pods`, query);
  return countPods(pods.items ?? [], o.metadata?.uid);
}

/** The service's EndpointSlices (none when the API is not served, as kubectl tolerates). */
async function endpointSlicesOf(f: Factory, svc: KubeObject): Promise<KubeObject[]> {
  try {
    const list = await f.client().get<{ items?: KubeObject[] }>(`/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(svc.metadata?.namespace ?? '')}/endpointslices`,
      { labelSelector: `kubernetes.io/service-name=${svc.metadata?.name ?? ''}` });
    return list.items ?? [];
  } catch {
    // kubectl ignores this lookup failing and prints <none>.
    return [];
  }
}

async function describeOne(f: Factory, item: Item, showEvents: boolean): Promise<string> {
  const now = Date.now();
  const { resource: r, object: o } = item;
  const key = groupResource(r);
  switch (key) {
    case 'pods': return describePod(o, showEvents ? await eventsFor(f, o, undefined) : undefined, now);
    case 'deployments.apps': return describeDeployment(o, await replicaSetsOf(f, o), showEvents ? await eventsFor(f, o, 'Deployment') : undefined, now);
    case 'services': return describeService(o, showEvents ? await eventsFor(f, o, 'Service') : undefined, now, await endpointSlicesOf(f, o));
    case 'namespaces': return describeNamespace(o);
    case 'nodes': return describeNodeWithExtras(f, o, showEvents, now);
    case 'secrets': return describeSecret(o);
    case 'replicasets.apps': return describeReplicaSet(o, await podCounts(f, o), showEvents ? await eventsFor(f, o, 'ReplicaSet') : undefined, now);
    case 'jobs.batch': return describeJob(o, showEvents ? await eventsFor(f, o, 'Job') : undefined, now);
    case 'statefulsets.apps': return describeStatefulSet(o, await podCounts(f, o), showEvents ? await eventsFor(f, o, 'StatefulSet') : undefined, now);
    case 'serviceaccounts': return describeServiceAccountWithSecrets(f, o, showEvents, now);
    case 'configmaps': return describeConfigMap(o, showEvents ? await eventsFor(f, o, 'ConfigMap') : undefined, now);
    default: {
      const withType: KubeObject = { ...o, apiVersion: o.apiVersion ?? r.groupVersion, kind: o.kind ?? r.kind };
      return describeGeneric(withType, showEvents ? await eventsFor(f, o, r.kind) : undefined, now);
    }
  }
}
