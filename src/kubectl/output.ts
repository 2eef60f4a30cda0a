/**
 * `-o` handling shared by get, create, apply and friends: which printer, and printing a set
 * of objects as one object or as a v1 List the way kubectl does.
 */
import type { KubeObject } from '../api/types.js';
import { kindPrefix } from '../client/index.js';
import { executeTemplate, printCustomColumns, toGoJson, toYaml } from './printers/index.js';
import { UsageError } from './args.js';

export type OutputKind = 'human' | 'wide' | 'yaml' | 'json' | 'name' | 'jsonpath' | 'jsonpath-as-json' | 'custom-columns';

export interface OutputFormat {
  kind: OutputKind;
  /** The template or column spec. */
  arg: string;
}

export function parseOutputFlag(value: string | undefined): OutputFormat {
  if (!value) return { kind: 'human', arg: '' };
  const eq = value.indexOf('=');
  const name = eq >= 0 ? value.slice(0, eq) : value;
  const arg = eq >= 0 ? value.slice(eq + 1) : '';
  switch (name) {
    case 'wide': case 'yaml': case 'json': case 'name': return { kind: name, arg: '' };
    case 'jsonpath': case 'jsonpath-as-json':
      if (!arg) throw new UsageError('template format specified but no template given');
      return { kind: name, arg };
    case 'custom-columns':
      return { kind: 'custom-columns', arg };
    default:
      throw new Error(`unable to match a printer suitable for the output format "${value}", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml`);
  }
}

export function isMachineOutput(o: OutputFormat): boolean {
  return o.kind !== 'human' && o.kind !== 'wide';
}

/** `pod/nginx` or `deployment.apps/web` for an object. */
export function objectName(obj: KubeObject): string {
  const [group] = (obj.apiVersion ?? '').includes('/') ? (obj.apiVersion ?? '').split('/') : [''];
  return `${kindPrefix({ group: group ?? '', kind: obj.kind ?? '' })}/${obj.metadata?.name ?? ''}`;
}

/**
 * kubectl's v1 List wrapper for several objects. `get` fills metadata.resourceVersion with
 * an empty string; apply prints an empty metadata.
 */
export function asList(objects: KubeObject[], metadata: Record<string, string> = { resourceVersion: '' }): KubeObject {
  return { apiVersion: 'v1', items: objects, kind: 'List', metadata };
}

/** The object without metadata.managedFields (kubectl hides them unless --show-managed-fields). */
export function withoutManagedFields(obj: KubeObject): KubeObject {
  if (!obj.metadata || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _hidden, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** Prints objects in a machine format; `single` prints the lone object itself, not a List. */
export function formatObjects(o: OutputFormat, all: KubeObject[], single: boolean, opts: { showManagedFields?: boolean; noHeaders?: boolean; listMetadata?: Record<string, string> } = {}): string {
  const objects = opts.showManagedFields ? all : all.map(withoutManagedFields);
  const data: KubeObject = single && objects.length === 1 ? objects[0] as KubeObject : asList(objects, opts.listMetadata);
  switch (o.kind) {
    case 'yaml': return toYaml(data);
    case 'json': return toGoJson(data);
    case 'name': return objects.map((obj) => `${objectName(obj)}\n`).join('');
    case 'jsonpath': return executeTemplate(o.arg, data);
    case 'jsonpath-as-json': return executeTemplate(o.arg, data, { asJson: true });
    case 'custom-columns': return printCustomColumns(o.arg, objects, opts.noHeaders ?? false);
    default: throw new Error(`output ${o.kind} is not a machine format`);
  }
}

/**
 * Prints objects one at a time as create/apply/patch do: YAML documents after the first are
 * preceded by `---`, as kubectl's YAML printer does.
 */
export function objectPrinter(out: (text: string) => void, o: OutputFormat): (obj: KubeObject) => void {
  let count = 0;
  return (obj) => {
    if (o.kind === 'yaml' && count > 0) out('---\n');
    count++;
    out(formatObjects(o, [obj], true));
  };
}
