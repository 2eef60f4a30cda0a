/**
 * `kubectl label` and `kubectl annotate`: `k=v` sets, `k-` removes, existing values need
 * --overwrite; sent as a JSON merge patch of metadata.labels / metadata.annotations.
 */
import type { KubeObject } from '../../api/types.js';
import { resourcePath } from '../../client/index.js';
import type { ApiResource } from '../../client/index.js';
import { flagArray, flagBool, flagString, UsageError } from '../args.js';
import { fileFlags } from '../command.js';
import type { Command } from '../command.js';
import type { Factory } from '../factory.js';
import { readManifests } from '../manifests.js';
import { formatObjects, objectName, parseOutputFlag } from '../output.js';
import { resolveManifest } from '../resolve-manifest.js';
import { resolveTargets } from '../targets.js';
import { toCompactGoJson } from '../printers/index.js';
import { dryRunMode, dryRunQuery, dryRunSuffix } from '../dry-run.js';

type Field = 'labels' | 'annotations';

function makeCommand(name: 'label' | 'annotate', field: Field): Command {
  return {
    name,
    flags: {
      ...fileFlags,
      overwrite: { type: 'bool' },
      all: { type: 'bool' },
      'all-namespaces': { type: 'bool', short: 'A' },
      selector: { type: 'string', short: 'l' },
      'field-selector': { type: 'string' },
      list: { type: 'bool' },
      local: { type: 'bool' },
      output: { type: 'string', short: 'o' },
      'resource-version': { type: 'string' },
      'dry-run': { type: 'string' },
      'field-manager': { type: 'string' },
    },
    run: (f) => runLabel(f, name, field),
  };
}

export const labelCommand = makeCommand('label', 'labels');
export const annotateCommand = makeCommand('annotate', 'annotations');

interface Change { set: Record<string, string>; remove: string[] }

function splitArgs(positional: readonly string[], hasFiles: boolean): { resourceArgs: string[]; change: Change } {
  const change: Change = { set: {}, remove: [] };
  const resourceArgs: string[] = [];
  for (const arg of positional) {
    if (arg.includes('=')) {
      const i = arg.indexOf('=');
      change.set[arg.slice(0, i)] = arg.slice(i + 1);
    } else if (arg.endsWith('-') && (resourceArgs.length > 0 || hasFiles)) {
      change.remove.push(arg.slice(0, -1));
    } else {
      resourceArgs.push(arg);
    }
  }
  return { resourceArgs, change };
}

async function runLabel(f: Factory, verb: 'label' | 'annotate', field: Field): Promise<number> {
  const files = flagArray(f.args, 'filename');
  const { resourceArgs, change } = splitArgs(f.args.positional, files.length > 0);
  if (Object.keys(change.set).length === 0 && change.remove.length === 0 && !flagBool(f.args, 'list')) {
    throw new Error(`at least one ${verb === 'label' ? 'label' : 'annotation'} update is required`);
  }
  const output = parseOutputFlag(flagString(f.args, 'output'));
  const items: Array<{ resource: ApiResource; path: string }> = [];
  if (files.length > 0) {
    for (const m of await readManifests(files, f.io, { recursive: flagBool(f.args, 'recursive'), verb })) {
      const r = await resolveManifest(f, m);
      items.push({ resource: r.resource, path: resourcePath(r.resource, { ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name }) });
    }
  } else {
    const allNamespaces = flagBool(f.args, 'all-namespaces');
    for (const t of await resolveTargets(f, resourceArgs)) {
      const namespace = t.resource.namespaced && !allNamespaces ? f.namespace() : undefined;
      if (t.names.length > 0) {
        for (const name of t.names) items.push({ resource: t.resource, path: resourcePath(t.resource, { ...(namespace ? { namespace } : {}), name }) });
        continue;
      }
      const selector = flagString(f.args, 'selector');
      if (!selector && !flagBool(f.args, 'all')) throw new UsageError('resource(s) were provided, but no name was specified');
      const list = await f.client().get<{ items?: KubeObject[] }>(resourcePath(t.resource, namespace ? { namespace } : {}), selector ? { labelSelector: selector } : undefined);
      for (const item of list.items ?? []) {
        items.push({ resource: t.resource, path: resourcePath(t.resource, { ...(item.metadata?.namespace ? { namespace: item.metadata.namespace } : {}), name: item.metadata?.name ?? '' }) });
      }
    }
  }
  const overwrite = flagBool(f.args, 'overwrite');
  const mode = dryRunMode(f);
  let exit = 0;
  for (const item of items) {
    try {
      const obj = await f.client().get<KubeObject>(item.path);
      const old = { ...((obj.metadata?.[field] as Record<string, string> | undefined) ?? {}) };
      const next = { ...old };
      for (const [k, v] of Object.entries(change.set)) {
        if (!overwrite && k in old && old[k] !== v) {
          throw new Error(verb === 'label'
            ? `'${k}' already has a value (${old[k] ?? ''}), and --overwrite is false`
            : `--overwrite is false but found the following declared annotation(s): '${k}' already has a value (${old[k] ?? ''})`);
        }
        next[k] = v;
      }
      for (const k of change.remove) delete next[k];
      const patchValues: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(next)) if (old[k] !== v) patchValues[k] = v;
      for (const k of Object.keys(old)) if (!(k in next)) patchValues[k] = null;
      let result = obj;
      if (Object.keys(patchValues).length > 0 && mode !== 'client') {
        const metadata: Record<string, unknown> = { [field]: patchValues };
        const rv = flagString(f.args, 'resource-version');
        if (rv) metadata['resourceVersion'] = rv;
        result = await f.client().patch<KubeObject>(item.path, { metadata }, 'application/merge-patch+json',
          dryRunQuery(mode, { fieldManager: flagString(f.args, 'field-manager') ?? `kubectl-${verb}` }));
      }
      if (output.kind !== 'human' && output.kind !== 'wide') { f.io.out(formatObjects(output, [result], true)); continue; }
      f.io.out(`${objectName(result)} ${changeMessage(verb, old, next, overwrite)}${dryRunSuffix(mode)}\n`);
    } catch (err: unknown) {
      f.fail(err);
      exit = 1;
    }
  }
  return exit;
}

/** kubectl compares the serialised maps: same -> "not labeled", shorter without --overwrite -> "unlabeled". */
function changeMessage(verb: 'label' | 'annotate', old: Record<string, string>, next: Record<string, string>, overwrite: boolean): string {
  if (verb === 'annotate') return 'annotated';
  const a = toCompactGoJson(old), b = toCompactGoJson(next);
  if (a === b) return 'not labeled';
  if (!overwrite && b.length < a.length) return 'unlabeled';
  return 'labeled';
}
