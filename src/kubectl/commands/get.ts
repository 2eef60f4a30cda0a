/**
 * `kubectl get`: Table requests for human output (server-side columns), plain objects for
 * -o yaml/json/name/jsonpath/custom-columns, `-w` watches, `-A`, selectors, and the
 * "No resources found" message on stderr.
 */
import type { KubeObject } from '../../api/types.js';
import { StatusError, kindPrefix, resourcePath } from '../../client/index.js';
import type { ApiResource } from '../../client/index.js';
import { flagArray, flagBool, flagString } from '../args.js';
import { fileFlags, tableAccept } from '../command.js';
import type { Command } from '../command.js';
import type { Factory } from '../factory.js';
import { readManifests } from '../manifests.js';
import { formatObjects, isMachineOutput, parseOutputFlag } from '../output.js';
import type { OutputFormat } from '../output.js';
import { evaluate, formatColumns, parseTemplate, relaxedExpression, tableCells } from '../printers/index.js';
import type { Table, TablePrintOptions } from '../printers/index.js';
import { manifestNamespace, resolveTargets } from '../targets.js';
import { humanDuration } from '../describe/index.js';
import type { Target } from '../targets.js';

interface Fetched {
  target: Target;
  namespace: string | undefined;
  tables: Table[];
  objects: KubeObject[];
  listResourceVersion?: string;
  /** Column widths of the printed table, kept for the rows a watch prints later. */
  widths: number[];
}

export const getCommand: Command = {
  name: 'get',
  flags: {
    ...fileFlags,
    output: { type: 'string', short: 'o' },
    selector: { type: 'string', short: 'l' },
    'field-selector': { type: 'string' },
    'all-namespaces': { type: 'bool', short: 'A' },
    watch: { type: 'bool', short: 'w' },
    'watch-only': { type: 'bool' },
    'show-labels': { type: 'bool' },
    'show-kind': { type: 'bool' },
    'no-headers': { type: 'bool' },
    'label-columns': { type: 'array', short: 'L' },
    'ignore-not-found': { type: 'bool' },
    'chunk-size': { type: 'string' },
    'sort-by': { type: 'string' },
    raw: { type: 'string' },
    'allow-missing-template-keys': { type: 'bool', default: true },
    'output-watch-events': { type: 'bool' },
    subresource: { type: 'string' },
    'show-managed-fields': { type: 'bool' },
  },
  async run(f) {
    const raw = flagString(f.args, 'raw');
    if (raw !== undefined) {
      const res = await f.client().raw({ path: raw, accept: 'application/json, */*' });
      f.io.out(res.body);
      return res.status >= 200 && res.status < 300 ? 0 : 1;
    }
    const output = parseOutputFlag(flagString(f.args, 'output'));
    const allNamespaces = flagBool(f.args, 'all-namespaces');
    let targets: Target[];
    const files = flagArray(f.args, 'filename');
    if (files.length > 0) {
      targets = [];
      for (const m of await readManifests(files, f.io, { recursive: flagBool(f.args, 'recursive'), verb: 'get' })) {
        const resource = await f.discovery().forKind(m.object.apiVersion ?? '', m.object.kind ?? '');
        targets.push({ resource, names: [m.object.metadata?.name ?? ''], fromCategory: false, namespace: manifestNamespace(f, m.object, resource) });
      }
    } else {
      if (f.args.positional.length === 0) {
        f.io.err(`You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n`);
        return 1;
      }
      targets = await resolveTargets(f, f.args.positional);
    }
    let exit = 0;
    const fetched: Fetched[] = [];
    const machine = isMachineOutput(output);
    for (const target of targets) {
      const namespace = target.resource.namespaced && !allNamespaces ? (target.namespace ?? f.namespace()) : undefined;
      const item: Fetched = { target, namespace, tables: [], objects: [], widths: [] };
      fetched.push(item);
      const accept = machine ? 'application/json' : tableAccept;
      if (target.names.length > 0) {
        for (const name of target.names) {
          try {
            const body = await f.client().get<Table & KubeObject>(resourcePath(target.resource, { ...(namespace ? { namespace } : {}), name }), undefined, accept);
            if (machine) item.objects.push(withTypeMeta(body, target.resource));
            else item.tables.push(asTable(body));
          } catch (err: unknown) {
            if (err instanceof StatusError && err.code === 404 && flagBool(f.args, 'ignore-not-found')) continue;
            f.fail(err);
            exit = 1;
          }
        }
      } else {
        const query: Record<string, string> = {};
        const selector = flagString(f.args, 'selector');
        const fieldSelector = flagString(f.args, 'field-selector');
        if (selector) query['labelSelector'] = selector;
        if (fieldSelector) query['fieldSelector'] = fieldSelector;
        const sortBy = flagString(f.args, 'sort-by');
        if (sortBy && !machine) query['includeObject'] = 'Object';
        else query['limit'] = '500';
        const body = await f.client().get<Table & { items?: KubeObject[]; metadata?: { resourceVersion?: string } }>(resourcePath(target.resource, namespace ? { namespace } : {}), query, accept);
        if (body.metadata?.resourceVersion) item.listResourceVersion = body.metadata.resourceVersion;
        if (machine) item.objects.push(...sortObjects((body.items ?? []).map((o) => withTypeMeta(o, target.resource)), flagString(f.args, 'sort-by')));
        else item.tables.push(sortTable(asTable(body), flagString(f.args, 'sort-by')));
      }
    }
    const watching = flagBool(f.args, 'watch') || flagBool(f.args, 'watch-only');
    if (!flagBool(f.args, 'watch-only')) {
      if (machine) printMachine(f, output, fetched);
      else printHuman(f, output, fetched, allNamespaces, watching);
    }
    if (watching) await watchTargets(f, output, fetched, allNamespaces);
    return exit;
  },
};

/** The value --sort-by compares, from a relaxed JSONPath (`.metadata.name`). */
function sortKey(obj: unknown, expr: string): unknown {
  const nodes = parseTemplate(relaxedExpression(expr));
  const first = nodes[0];
  return first && first.kind === 'path' ? evaluate(first.segments, obj, true)[0] : undefined;
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  const x = String(a), y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortObjects(objects: KubeObject[], expr: string | undefined): KubeObject[] {
  if (!expr) return objects;
  return objects.map((o) => ({ o, k: sortKey(o, expr) })).sort((a, b) => compareKeys(a.k, b.k)).map((x) => x.o);
}

function sortTable(table: Table, expr: string | undefined): Table {
  if (!expr || !table.rows) return table;
  const rows = table.rows.map((r) => ({ r, k: sortKey(r.object, expr) })).sort((a, b) => compareKeys(a.k, b.k)).map((x) => x.r);
  return { ...table, rows };
}

/**
 * A server that ignores the Table Accept header answers with objects; kubectl then shows
 * NAME and AGE from their metadata, and so do we.
 */
function asTable(body: Table & { kind?: string; items?: KubeObject[]; metadata?: KubeObject['metadata'] }): Table {
  if (body.kind === 'Table') return body;
  const objects: KubeObject[] = Array.isArray(body.items) ? body.items : [body as KubeObject];
  const now = Date.now();
  return {
    kind: 'Table',
    columnDefinitions: [{ name: 'Name', type: 'string', format: 'name', priority: 0 }, { name: 'Age', type: 'date', format: '', priority: 0 }],
    rows: objects.map((o) => ({
      cells: [o.metadata?.name ?? '', o.metadata?.creationTimestamp ? humanDuration(now - Date.parse(o.metadata.creationTimestamp)) : '<unknown>'],
      object: { metadata: o.metadata ?? {} },
    })),
  };
}

function withTypeMeta(obj: KubeObject, r: ApiResource): KubeObject {
  if (obj.kind && obj.apiVersion) return obj;
  return { ...obj, apiVersion: obj.apiVersion ?? r.groupVersion, kind: obj.kind ?? r.kind };
}

function noResourcesMessage(f: Factory, fetched: Fetched[], allNamespaces: boolean): string {
  const namespaced = fetched.some((x) => x.target.resource.namespaced);
  if (allNamespaces || !namespaced) return 'No resources found\n';
  return `No resources found in ${fetched.find((x) => x.namespace)?.namespace ?? f.namespace()} namespace.\n`;
}

function printMachine(f: Factory, output: OutputFormat, fetched: Fetched[]): void {
  const objects = fetched.flatMap((x) => x.objects);
  const single = fetched.length === 1 && (fetched[0]?.target.names.length ?? 0) === 1 && objects.length === 1;
  f.io.out(formatObjects(output, objects, single, { showManagedFields: flagBool(f.args, 'show-managed-fields'), noHeaders: flagBool(f.args, 'no-headers') }));
}

function tableOptions(f: Factory, output: OutputFormat, fetched: Fetched[], x: Fetched, allNamespaces: boolean): TablePrintOptions {
  const multipleKinds = fetched.length > 1 || x.target.fromCategory || flagBool(f.args, 'show-kind');
  const opts: TablePrintOptions = {
    wide: output.kind === 'wide',
    noHeaders: flagBool(f.args, 'no-headers'),
    withNamespace: allNamespaces && x.target.resource.namespaced,
    showLabels: flagBool(f.args, 'show-labels'),
    labelColumns: flagArray(f.args, 'label-columns'),
  };
  if (multipleKinds) opts.kindPrefix = kindPrefix(x.target.resource);
  return opts;
}

function printHuman(f: Factory, output: OutputFormat, fetched: Fetched[], allNamespaces: boolean, watching: boolean): void {
  let printedAny = false;
  let requestedNames = false;
  for (const x of fetched) {
    if (x.target.names.length > 0) requestedNames = true;
    const rows = x.tables.flatMap((t) => t.rows ?? []);
    if (rows.length === 0) continue;
    const first = x.tables[0] as Table;
    const merged: Table = { ...first, rows };
    const opts = tableOptions(f, output, fetched, x, allNamespaces);
    if (printedAny) f.io.out('\n');
    f.io.out(formatColumns(tableCells(merged, opts), x.widths));
    printedAny = true;
  }
  if (!printedAny && !requestedNames && !watching) f.io.err(noResourcesMessage(f, fetched, allNamespaces));
}

async function watchTargets(f: Factory, output: OutputFormat, fetched: Fetched[], allNamespaces: boolean): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await Promise.all(fetched.map(async (x) => {
      const query: Record<string, string> = {};
      const name = x.target.names[0];
      if (name !== undefined) {
        query['fieldSelector'] = `metadata.name=${name}`;
        query['resourceVersion'] = '0';
      } else {
        const selector = flagString(f.args, 'selector');
        if (selector) query['labelSelector'] = selector;
        if (x.listResourceVersion) query['resourceVersion'] = x.listResourceVersion;
      }
      const machine = isMachineOutput(output);
      const opts = { ...tableOptions(f, output, fetched, x, allNamespaces), noHeaders: true };
      let skipFirst = name !== undefined && !flagBool(f.args, 'watch-only');
      const path = resourcePath(x.target.resource, x.namespace ? { namespace: x.namespace } : {});
      for await (const ev of f.client().watch<Table & KubeObject>(path, query, { accept: machine ? 'application/json' : tableAccept, signal: controller.signal })) {
        if (ev.type === 'BOOKMARK') continue;
        if (ev.type === 'ERROR') throw new StatusError(ev.object as unknown as ConstructorParameters<typeof StatusError>[0]);
        if (skipFirst) { skipFirst = false; continue; }
        if (machine) f.io.out(formatObjects(output, [withTypeMeta(ev.object, x.target.resource)], true, { showManagedFields: flagBool(f.args, 'show-managed-fields') }));
        else f.io.out(formatColumns(tableCells({ ...(x.tables[0] ?? {}), ...ev.object, columnDefinitions: ev.object.columnDefinitions ?? x.tables[0]?.columnDefinitions ?? [] }, opts), x.widths));
      }
    }));
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
