/** kubectl's generic describer (custom resources and kinds without their own describer). */
import type { KubeObject } from '../../api/types.js';
import { arr, describeEvents, goV, isObj, obj, printAnnotations, printLabels, str } from './common.js';
import type { Obj } from './common.js';
import { DescribeWriter } from './writer.js';

const acronyms = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);

/** fatih/camelcase.Split: runs of lower, upper (the last upper starts the next word), digits. */
function camelSplit(s: string): string[] {
  const kind = (c: string): number => (/\p{Ll}/u.test(c) ? 1 : /\p{Lu}/u.test(c) ? 2 : /\p{N}/u.test(c) ? 3 : 4);
  const runs: string[][] = [];
  let last = 0;
  for (const c of Array.from(s)) {
    const k = kind(c);
    if (k === last && runs.length > 0) (runs[runs.length - 1] as string[]).push(c);
    else runs.push([c]);
    last = k;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    const cur = runs[i] as string[], next = runs[i + 1] as string[];
    if (kind(cur[0] ?? '') === 2 && kind(next[0] ?? '') === 1) {
      const moved = cur.pop();
      if (moved !== undefined) next.unshift(moved);
    }
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

export function smartLabelFor(field: string): string {
  if (Array.from(field).some((c) => !/\p{L}/u.test(c) && c !== '-')) return field;
  return camelSplit(field).filter((p) => p !== '_').map((p) => (acronyms.has(p.toUpperCase()) ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1))).join(' ');
}

function printContent(w: DescribeWriter, level: number, content: Obj, prefix: string, skip: Set<string>): void {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (skip.has(path)) continue;
    if (isObj(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      printContent(w, level + 1, value, path, skip);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      for (const child of arr(value)) {
        if (isObj(child)) printContent(w, level + 1, child, path, skip);
        else w.write(level + 1, `${goV(child)}\n`);
      }
    } else {
      w.write(level, `${smartLabelFor(field)}:\t${goV(value)}\n`);
    }
  }
}

export function describeGeneric(o: KubeObject, events: KubeObject[] | undefined, now: number): string {
  const w = new DescribeWriter();
  const meta = obj((o as Obj)['metadata']);
  w.write(0, `Name:\t${str(meta['name'])}\n`);
  w.write(0, `Namespace:\t${str(meta['namespace'])}\n`);
  printLabels(w, 'Labels', meta['labels']);
  printAnnotations(w, 'Annotations', meta['annotations']);
  printContent(w, 0, o as Obj, '', new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']));
  describeEvents(w, events, now);
  return w.toString();
}
