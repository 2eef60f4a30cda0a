/**
 * `kubectl apply -f`: client-side (last-applied annotation + three-way strategic merge
 * patch; created / unchanged / configured) or `--server-side` (apply patch;
 * serverside-applied).
 */
import type { KubeObject } from '../../api/types.js';
import { OpenApiV3, StatusError, resourcePath } from '../../client/index.js';
import type { ApiResource } from '../../client/index.js';
import { flagArray, flagBool, flagString, UsageError } from '../args.js';
import { fileFlags } from '../command.js';
import type { Command } from '../command.js';
import type { Factory } from '../factory.js';
import { readManifests } from '../manifests.js';
import { formatObjects, objectName, parseOutputFlag, withoutManagedFields } from '../output.js';
import type { OutputFormat } from '../output.js';
import { toCompactGoJson, toGoJsonTopOrder } from '../printers/index.js';
import { resolveManifest } from '../resolve-manifest.js';
import type { ResolvedManifest } from '../resolve-manifest.js';
import { readLastApplied, threeWayPatch, withLastApplied } from '../apply/index.js';
import type { SchemaCursor } from '../apply/index.js';
import { validationMode } from './create.js';
import { dryRunMode, dryRunSuffix } from '../dry-run.js';
import { createThreeWayMergePatch } from '../../apiserver/patch/index.js';
import type { JsonObject } from '../../apiserver/patch/json.js';

const conflictHint = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
`;

/** A rejected apply patch; kubectl prints the patch and the target with the server's error. */
class PatchFailure extends Error {
  constructor(override readonly cause: StatusError, readonly patchText: string, readonly describe: string) {
    super(cause.message, { cause });
  }
}

export const applyCommand: Command = {
  name: 'apply',
  flags: {
    ...fileFlags,
    output: { type: 'string', short: 'o' },
    'server-side': { type: 'bool' },
    'force-conflicts': { type: 'bool' },
    'field-manager': { type: 'string' },
    validate: { type: 'string', default: 'strict' },
    'dry-run': { type: 'string' },
    prune: { type: 'bool' },
    selector: { type: 'string', short: 'l' },
    overwrite: { type: 'bool', default: true },
    force: { type: 'bool' },
    wait: { type: 'bool' },
  },
  async run(f) {
    const files = flagArray(f.args, 'filename');
    if (files.length === 0) throw new UsageError('must specify one of -f and -k');
    const output = parseOutputFlag(flagString(f.args, 'output'));
    const serverSide = flagBool(f.args, 'server-side');
    let exit = 0;
    for (const m of await readManifests(files, f.io, { recursive: flagBool(f.args, 'recursive'), verb: 'apply' })) {
      try {
        const r = await resolveManifest(f, m);
        if (serverSide) await applyServerSide(f, r, output);
        else await applyClientSide(f, r, output);
      } catch (err: unknown) {
        exit = 1;
        if (serverSide && err instanceof StatusError && err.code === 409 && err.message.startsWith('Apply failed')) {
          f.io.err(`error: ${err.message}\n${conflictHint}`);
          continue;
        }
        if (err instanceof PatchFailure) {
          f.fail(err.cause, `error when applying patch:\n${err.patchText}\nto:\n${err.describe}\nfor: "${m.source}": error when patching "${m.source}"`);
          continue;
        }
        f.fail(err, `error when ${serverSide ? 'patching' : 'creating'} "${m.source}"`);
      }
    }
    const objects = collected.get(f) ?? [];
    if (objects.length > 1 && output.kind === 'json') {
      // kubectl prints a typed metav1.List here: struct field order at the top.
      f.io.out(toGoJsonTopOrder({ kind: 'List', apiVersion: 'v1', metadata: {}, items: objects.map(withoutManagedFields) }, ['kind', 'apiVersion', 'metadata', 'items']));
    } else if (objects.length > 0) {
      f.io.out(formatObjects(output, objects, objects.length === 1, { listMetadata: {} }));
    }
    return exit;
  },
};

/** Objects apply prints with -o: at the end, one as itself, several as a v1 List (as kubectl). */
const collected = new WeakMap<Factory, KubeObject[]>();

function printResult(f: Factory, output: OutputFormat, obj: KubeObject, verb: string): void {
  const suffix = dryRunSuffix(dryRunMode(f));
  if (output.kind === 'human' || output.kind === 'wide') { f.io.out(`${objectName(obj)} ${verb}${suffix}\n`); return; }
  const list = collected.get(f) ?? [];
  list.push(obj);
  collected.set(f, list);
}



async function applyServerSide(f: Factory, r: ResolvedManifest, output: OutputFormat): Promise<void> {
  const query: Record<string, string> = {
    fieldManager: flagString(f.args, 'field-manager') ?? 'kubectl',
    fieldValidation: validationMode(flagString(f.args, 'validate')),
    force: String(flagBool(f.args, 'force-conflicts')),
  };
  const mode = dryRunMode(f);
  if (mode === 'client') { printResult(f, output, r.object, 'serverside-applied'); return; }
  if (mode === 'server') query['dryRun'] = 'All';
  const path = resourcePath(r.resource, { ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name });
  const result = await f.client().patch<KubeObject>(path, r.object, 'application/apply-patch+yaml', query);
  printResult(f, output, result, 'serverside-applied');
}

async function applyClientSide(f: Factory, r: ResolvedManifest, output: OutputFormat): Promise<void> {
  const client = f.client();
  const path = resourcePath(r.resource, { ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name });
  const query: Record<string, string> = {
    fieldManager: flagString(f.args, 'field-manager') ?? 'kubectl-client-side-apply',
    fieldValidation: validationMode(flagString(f.args, 'validate')),
  };
  const mode = dryRunMode(f);
  if (mode === 'server') query['dryRun'] = 'All';
  const { modified } = withLastApplied(r.object);
  let current: KubeObject;
  try {
    current = await client.get<KubeObject>(path);
  } catch (err: unknown) {
    if (!(err instanceof StatusError && err.code === 404)) throw err;
    if (mode === 'client') { printResult(f, output, modified, 'created'); return; }
    const created = await client.create<KubeObject>(resourcePath(r.resource, r.namespace ? { namespace: r.namespace } : {}), modified, query);
    printResult(f, output, created, 'created');
    return;
  }
  const original = readLastApplied(current);
  if (!original) {
    f.io.err(`Warning: resource ${r.resource.resource}/${r.name} is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`);
  }
  const cursor = await schemaCursor(f, r.resource);
  const patch = cursor ? strategicPatch(original, modified, current, cursor) : threeWayPatch(original, modified, current, undefined);
  if (Object.keys(patch).length === 0) {
    printResult(f, output, current, 'unchanged');
    return;
  }
  const contentType = cursor ? 'application/strategic-merge-patch+json' : 'application/merge-patch+json';
  if (mode === 'client') { printResult(f, output, current, 'configured'); return; }
  let patched: KubeObject;
  try {
    patched = await client.patch<KubeObject>(path, patch, contentType, query);
  } catch (err: unknown) {
    if (!(err instanceof StatusError)) throw err;
    const gv = r.resource.group ? `${r.resource.group}/${r.resource.version}` : `/${r.resource.version}`;
    const describe = `Resource: "${gv}, Resource=${r.resource.resource}", GroupVersionKind: "${gv}, Kind=${r.resource.kind}"\nName: "${r.name}", Namespace: "${r.namespace ?? ''}"`;
    throw new PatchFailure(err, toCompactGoJson(patch), describe);
  }
  printResult(f, output, patched, 'configured');
}

/** The strategic three-way patch of built-in kinds (the API server's own implementation). */
function strategicPatch(original: KubeObject | undefined, modified: KubeObject, current: KubeObject, cursor: SchemaCursor & { name: string }): Record<string, unknown> {
  const result = createThreeWayMergePatch(original as JsonObject | undefined, modified as JsonObject, current as JsonObject, cursor.resolver, cursor.name);
  if (result.error) throw result.error;
  return result.object;
}

/**
 * The schema for strategic merge of a built-in kind, from /openapi/v3. Custom resources
 * (served through a CRD) get none, so their patch is a JSON merge patch, as kubectl does.
 */
async function schemaCursor(f: Factory, resource: ApiResource): Promise<(SchemaCursor & { name: string }) | undefined> {
  if (await isCustomResource(f, resource)) return undefined;
  try {
    const doc = await f.openapi().document(OpenApiV3.gvPath(resource.group, resource.version));
    const name = OpenApiV3.schemaNameFor(doc, resource.group, resource.version, resource.kind);
    const resolver = OpenApiV3.resolver(doc);
    return name ? { schema: resolver(name), resolver, name } : undefined;
  } catch (err: unknown) {
    if (err instanceof StatusError && err.code === 404) return undefined;
    throw err;
  }
}

async function isCustomResource(f: Factory, resource: ApiResource): Promise<boolean> {
  if (resource.group === '' || !resource.group.includes('.') || resource.group.endsWith('.k8s.io')) return false;
  try {
    await f.client().get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${resource.resource}.${resource.group}`);
    return true;
  } catch {
    // No CRD by that name (or no CRD API): a built-in aggregated group.
    return false;
  }
}
