/** `kubectl create -f`: POST each object; `pod/nginx created`; errors name the file. */
import type { KubeObject } from '../../api/types.js';
import { resourcePath } from '../../client/index.js';
import { flagArray, flagBool, flagString, UsageError } from '../args.js';
import { fileFlags } from '../command.js';
import type { Command } from '../command.js';
import { readManifests } from '../manifests.js';
import { objectName, objectPrinter, parseOutputFlag } from '../output.js';
import { resolveManifest } from '../resolve-manifest.js';

export const createCommand: Command = {
  name: 'create',
  flags: {
    ...fileFlags,
    output: { type: 'string', short: 'o' },
    'dry-run': { type: 'string' },
    validate: { type: 'string', default: 'strict' },
    'save-config': { type: 'bool' },
    'field-manager': { type: 'string', default: 'kubectl-create' },
    'edit': { type: 'bool' },
    'windows-line-endings': { type: 'bool' },
    'raw': { type: 'string' },
    'selector': { type: 'string', short: 'l' },
  },
  async run(f) {
    const files = flagArray(f.args, 'filename');
    if (files.length === 0) throw new UsageError('must specify one of -f and -k');
    const output = parseOutputFlag(flagString(f.args, 'output'));
    const dryRun = flagString(f.args, 'dry-run');
    let exit = 0;
    const print = objectPrinter((t) => f.io.out(t), output);
    for (const m of await readManifests(files, f.io, { recursive: flagBool(f.args, 'recursive'), verb: 'create' })) {
      try {
        const r = await resolveManifest(f, m);
        let created: KubeObject;
        if (dryRun === 'client') {
          created = r.object;
        } else {
          const query: Record<string, string> = { fieldManager: flagString(f.args, 'field-manager') ?? 'kubectl-create', fieldValidation: validationMode(flagString(f.args, 'validate')) };
          if (dryRun === 'server') query['dryRun'] = 'All';
          created = await f.client().create<KubeObject>(resourcePath(r.resource, r.namespace ? { namespace: r.namespace } : {}), r.object, query);
        }
        const suffix = dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
        if (output.kind === 'human' || output.kind === 'wide') f.io.out(`${objectName(created)} created${suffix}\n`);
        else print(created);
      } catch (err: unknown) {
        f.fail(err, `error when creating "${m.source}"`);
        exit = 1;
      }
    }
    return exit;
  },
};

/** `--validate` values as the fieldValidation query kubectl sends. */
export function validationMode(flag: string | undefined): string {
  switch ((flag ?? 'strict').toLowerCase()) {
    case 'false': case 'ignore': return 'Ignore';
    case 'warn': return 'Warn';
    default: return 'Strict';
  }
}
