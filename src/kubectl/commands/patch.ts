/** `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]`. */
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../api/types.js';
import { resourcePath } from '../../client/index.js';
import { flagArray, flagBool, flagString, UsageError } from '../args.js';
import { fileFlags } from '../command.js';
import type { Command } from '../command.js';
import { readFileSync } from 'node:fs';
import { readManifests } from '../manifests.js';
import { formatObjects, objectName, parseOutputFlag } from '../output.js';
import { resolveManifest } from '../resolve-manifest.js';
import { resolveTargets } from '../targets.js';
import { deepEqual } from '../apply/index.js';
import { dryRunMode, dryRunQuery } from '../dry-run.js';

const contentTypes: Record<string, string> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

export const patchCommand: Command = {
  name: 'patch',
  flags: {
    ...fileFlags,
    patch: { type: 'string', short: 'p' },
    'patch-file': { type: 'string' },
    type: { type: 'string', default: 'strategic' },
    output: { type: 'string', short: 'o' },
    subresource: { type: 'string' },
    local: { type: 'bool' },
    'dry-run': { type: 'string' },
    'field-manager': { type: 'string', default: 'kubectl-patch' },
  },
  async run(f) {
    const type = flagString(f.args, 'type') ?? 'strategic';
    const contentType = contentTypes[type];
    if (!contentType) throw new UsageError(`--type must be one of [json merge strategic], not "${type}"`);
    const patchFile = flagString(f.args, 'patch-file');
    const text = patchFile ? readFileSync(patchFile, 'utf8') : flagString(f.args, 'patch');
    if (!text) throw new UsageError('must specify -p to patch');
    let patch: unknown;
    try {
      patch = parseYaml(text);
    } catch (err: unknown) {
      throw new Error(`unable to parse "${text}": ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const output = parseOutputFlag(flagString(f.args, 'output'));
    const items: Array<{ path: string }> = [];
    const files = flagArray(f.args, 'filename');
    if (files.length > 0) {
      for (const m of await readManifests(files, f.io, { recursive: flagBool(f.args, 'recursive'), verb: 'patch' })) {
        const r = await resolveManifest(f, m);
        items.push({ path: resourcePath(r.resource, { ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name }) });
      }
    } else {
      for (const t of await resolveTargets(f, f.args.positional)) {
        if (t.names.length === 0) throw new UsageError('resource(s) were provided, but no name was specified');
        const namespace = t.resource.namespaced ? f.namespace() : undefined;
        for (const name of t.names) items.push({ path: resourcePath(t.resource, { ...(namespace ? { namespace } : {}), name }) });
      }
    }
    const subresource = flagString(f.args, 'subresource');
    const mode = dryRunMode(f);
    let exit = 0;
    for (const item of items) {
      const path = subresource ? `${item.path}/${subresource}` : item.path;
      try {
        const before = await f.client().get<KubeObject>(path);
        // Client dry run shows the object as it is (kubectl does not compute the patch locally).
        const after = mode === 'client' ? before : await f.client().patch<KubeObject>(path, patch, contentType, dryRunQuery(mode, { fieldManager: flagString(f.args, 'field-manager') ?? 'kubectl-patch' }));
        if (output.kind === 'human' || output.kind === 'wide') {
          // kubectl patch prints no dry-run suffix, and a dry run always reads as a change.
          f.io.out(mode !== 'none' ? `${objectName(after)} patched\n` : `${objectName(after)} patched${deepEqual(before, after) ? ' (no change)' : ''}\n`);
        } else {
          f.io.out(formatObjects(output, [after], true));
        }
      } catch (err: unknown) {
        f.fail(err);
        exit = 1;
      }
    }
    return exit;
  },
};
