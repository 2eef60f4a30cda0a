/**
 * `kubectl delete`: by TYPE NAME / TYPE/NAME, -f, -l or --all; prints `pod "nginx" deleted`
 * and (unless --wait=false) waits until each object is gone.
 */
import type { KubeObject } from '../../api/types.js';
import { StatusError, groupResource, kindPrefix, resourcePath } from '../../client/index.js';
import type { ApiResource } from '../../client/index.js';
import { flagArray, flagBool, flagString, UsageError } from '../args.js';
import { fileFlags } from '../command.js';
import type { Command } from '../command.js';
import type { Factory } from '../factory.js';
import { readManifests } from '../manifests.js';
import { resolveManifest } from '../resolve-manifest.js';
import { resolveTargets } from '../targets.js';
import { dryRunMode, dryRunQuery, dryRunSuffix } from '../dry-run.js';

interface Victim { resource: ApiResource; namespace: string | undefined; name: string; source?: string }

export const deleteCommand: Command = {
  name: 'delete',
  flags: {
    ...fileFlags,
    selector: { type: 'string', short: 'l' },
    'field-selector': { type: 'string' },
    all: { type: 'bool' },
    'all-namespaces': { type: 'bool', short: 'A' },
    'ignore-not-found': { type: 'bool' },
    wait: { type: 'bool', default: true },
    cascade: { type: 'string', default: 'background' },
    'grace-period': { type: 'string', default: '-1' },
    now: { type: 'bool' },
    force: { type: 'bool' },
    timeout: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'dry-run': { type: 'string' },
  },
  async run(f) {
    const victims: Victim[] = [];
    const files = flagArray(f.args, 'filename');
    const selector = flagString(f.args, 'selector');
    const all = flagBool(f.args, 'all');
    const allNamespaces = flagBool(f.args, 'all-namespaces');
    let ignoreNotFound = flagBool(f.args, 'ignore-not-found');
    if (files.length > 0) {
      for (const m of await readManifests(files, f.io, { recursive: flagBool(f.args, 'recursive'), verb: 'delete' })) {
        const r = await resolveManifest(f, m);
        victims.push({ resource: r.resource, namespace: r.namespace, name: r.name, source: m.source });
      }
    } else {
      if (f.args.positional.length === 0) throw new Error('You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   \'-f rsrc.yaml\'\n   \'--filename=rsrc.json\'\n   \'<resource> <name>\'\n   \'<resource>\'');
      const targets = await resolveTargets(f, f.args.positional);
      for (const t of targets) {
        const namespace = t.resource.namespaced && !allNamespaces ? f.namespace() : undefined;
        if (t.names.length > 0) {
          for (const name of t.names) victims.push({ resource: t.resource, namespace, name });
          continue;
        }
        if (!selector && !all && !flagString(f.args, 'field-selector')) {
          throw new UsageError(`resource(s) were provided, but no name was specified`);
        }
        // Selecting by label or --all: nothing found is not an error.
        ignoreNotFound = true;
        const query: Record<string, string> = {};
        if (selector) query['labelSelector'] = selector;
        const fieldSelector = flagString(f.args, 'field-selector');
        if (fieldSelector) query['fieldSelector'] = fieldSelector;
        const list = await f.client().get<{ items?: KubeObject[] }>(resourcePath(t.resource, namespace ? { namespace } : {}), query);
        for (const item of list.items ?? []) victims.push({ resource: t.resource, namespace: item.metadata?.namespace ?? namespace, name: item.metadata?.name ?? '' });
      }
      if (victims.length === 0) {
        // kubectl delete says this on stdout and without a namespace, unlike get.
        f.io.out('No resources found\n');
        return 0;
      }
    }
    const body: Record<string, unknown> = { propagationPolicy: cascadePolicy(flagString(f.args, 'cascade')) };
    const grace = Number(flagString(f.args, 'grace-period') ?? '-1');
    if (flagBool(f.args, 'now')) body['gracePeriodSeconds'] = 1;
    else if (grace >= 0) body['gracePeriodSeconds'] = grace;
    let exit = 0;
    const deleted: Array<{ v: Victim; uid: string | undefined }> = [];
    const nameOnly = flagString(f.args, 'output') === 'name';
    const mode = dryRunMode(f);
    for (const v of victims) {
      const path = resourcePath(v.resource, { ...(v.namespace ? { namespace: v.namespace } : {}), name: v.name });
      try {
        // Client dry run still checks the object exists, as kubectl's resource builder does.
        const res = mode === 'client' ? await f.client().get<KubeObject>(path) : await f.client().delete<KubeObject>(path, mode === 'server' ? { ...body, dryRun: ['All'] } : body, dryRunQuery(mode));
        f.io.out(nameOnly ? `${kindPrefix(v.resource)}/${v.name}\n` : `${kindPrefix(v.resource)} "${v.name}" deleted${dryRunSuffix(mode)}\n`);
        if (mode !== 'none') continue;
        deleted.push({ v, uid: res?.kind === 'Status' ? undefined : res?.metadata?.uid });
      } catch (err: unknown) {
        if (err instanceof StatusError && err.code === 404 && ignoreNotFound) continue;
        f.fail(err, v.source ? `error when deleting "${v.source}"` : undefined);
        exit = 1;
      }
    }
    if (flagBool(f.args, 'wait')) {
      for (const d of deleted) await waitGone(f, d.v, d.uid);
    }
    return exit;
  },
};

function cascadePolicy(flag: string | undefined): string {
  switch (flag) {
    case 'orphan': case 'false': return 'Orphan';
    case 'foreground': return 'Foreground';
    default: return 'Background';
  }
}

/** Polls until the object is gone (or replaced by one with another uid). */
async function waitGone(f: Factory, v: Victim, uid: string | undefined): Promise<void> {
  const path = resourcePath(v.resource, { ...(v.namespace ? { namespace: v.namespace } : {}), name: v.name });
  for (;;) {
    try {
      const obj = await f.client().get<KubeObject>(path);
      if (uid && obj.metadata?.uid !== uid) return;
    } catch (err: unknown) {
      if (err instanceof StatusError && err.code === 404) return;
      throw new Error(`error waiting for ${groupResource(v.resource)} "${v.name}" to be deleted`, { cause: err });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
