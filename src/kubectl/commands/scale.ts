/** `kubectl scale TYPE NAME --replicas=N`: a merge patch of the scale subresource. */
import type { KubeObject } from '../../api/types.js';
import { StatusError, kindPrefix, resourcePath } from '../../client/index.js';
import { flagArray, flagBool, flagString, UsageError } from '../args.js';
import { fileFlags } from '../command.js';
import type { Command } from '../command.js';
import { readManifests } from '../manifests.js';
import { resolveManifest } from '../resolve-manifest.js';
import { resolveTargets } from '../targets.js';
import type { ApiResource } from '../../client/index.js';
import { dryRunMode, dryRunQuery, dryRunSuffix } from '../dry-run.js';

export const scaleCommand: Command = {
  name: 'scale',
  flags: {
    ...fileFlags,
    replicas: { type: 'string' },
    'current-replicas': { type: 'string', default: '-1' },
    'resource-version': { type: 'string' },
    selector: { type: 'string', short: 'l' },
    all: { type: 'bool' },
    timeout: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'dry-run': { type: 'string' },
  },
  async run(f) {
    const replicasText = flagString(f.args, 'replicas');
    if (replicasText === undefined) throw new Error('required flag(s) "replicas" not set');
    if (!/^\d+$/.test(replicasText)) throw new UsageError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
    const replicas = Number(replicasText);
    const items: Array<{ resource: ApiResource; namespace: string | undefined; name: string }> = [];
    const files = flagArray(f.args, 'filename');
    if (files.length > 0) {
      for (const m of await readManifests(files, f.io, { recursive: flagBool(f.args, 'recursive'), verb: 'scale' })) {
        const r = await resolveManifest(f, m);
        items.push({ resource: r.resource, namespace: r.namespace, name: r.name });
      }
    } else {
      for (const t of await resolveTargets(f, f.args.positional)) {
        const namespace = t.resource.namespaced ? f.namespace() : undefined;
        if (t.names.length === 0) {
          const selector = flagString(f.args, 'selector');
          if (!selector && !flagBool(f.args, 'all')) throw new UsageError('resource(s) were provided, but no name was specified');
          const list = await f.client().get<{ items?: KubeObject[] }>(resourcePath(t.resource, namespace ? { namespace } : {}), selector ? { labelSelector: selector } : undefined);
          for (const item of list.items ?? []) items.push({ resource: t.resource, namespace, name: item.metadata?.name ?? '' });
        }
        for (const name of t.names) items.push({ resource: t.resource, namespace, name });
      }
    }
    // Like kubectl's resource builder: missing objects are errors, and when nothing at all
    // was found the message says no objects were passed.
    const found: typeof items = [];
    const missing: StatusError[] = [];
    for (const it of items) {
      try {
        await f.client().get(resourcePath(it.resource, { ...(it.namespace ? { namespace: it.namespace } : {}), name: it.name }));
        found.push(it);
      } catch (err: unknown) {
        if (err instanceof StatusError && err.code === 404) missing.push(err);
        else throw err;
      }
    }
    const firstMissing = missing[0];
    if (found.length === 0 && firstMissing) throw new Error(`no objects passed to scale ${firstMissing.message}`, { cause: firstMissing });
    for (const err of missing) f.fail(err);
    const current = Number(flagString(f.args, 'current-replicas') ?? '-1');
    const mode = dryRunMode(f);
    let exit = 0;
    for (const it of found) {
      const path = resourcePath(it.resource, { ...(it.namespace ? { namespace: it.namespace } : {}), name: it.name });
      try {
        if (current >= 0) {
          const scale = await f.client().get<{ spec?: { replicas?: number } }>(`${path}/scale`);
          if ((scale.spec?.replicas ?? 0) !== current) throw new Error(`Expected replicas to be ${current}, was ${scale.spec?.replicas ?? 0}`);
        }
        const spec: Record<string, unknown> = { replicas };
        const body: Record<string, unknown> = { spec };
        const rv = flagString(f.args, 'resource-version');
        if (rv) body['metadata'] = { resourceVersion: rv };
        if (mode !== 'client') await f.client().patch(`${path}/scale`, body, 'application/merge-patch+json', dryRunQuery(mode));
        f.io.out(`${kindPrefix(it.resource)}/${it.name} scaled${dryRunSuffix(mode)}\n`);
      } catch (err: unknown) {
        f.fail(err);
        exit = 1;
      }
    }
    return exit;
  },
};
