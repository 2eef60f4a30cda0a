/**
 * Table column helpers shared by the per-kind printers. Names are as upstream's printers
 * declare them ("Name", "Ready", ...); kubectl upper-cases them for the header.
 */
import type { KubeObject, TableColumn } from '../types.js';
import { isRecord, recordAt, recordsAt, stringAt } from './json.js';

export function column(name: string, description: string, options: { type?: TableColumn['type']; format?: string; priority?: number } = {}): TableColumn {
  return { name, type: options.type ?? 'string', format: options.format ?? '', description, priority: options.priority ?? 0 };
}

export const nameColumn = column('Name', 'Name must be unique within a namespace. Cannot be updated.', { format: 'name' });
export const ageColumn = column('Age', 'Time since the object was created (from metadata.creationTimestamp).');

export function wide(name: string, description: string): TableColumn {
  return column(name, description, { priority: 1 });
}

export function nameOf(obj: KubeObject): string {
  return obj.metadata?.name ?? '';
}

export function createdAt(obj: KubeObject): string | undefined {
  const t = obj.metadata?.creationTimestamp;
  return typeof t === 'string' ? t : undefined;
}

/** `a=b,c=d` for a string map, `<none>` when empty (upstream's labels.FormatLabels). */
export function formatLabels(map: unknown): string {
  if (!isRecord(map)) return '<none>';
  const entries = Object.entries(map).filter(([, v]) => typeof v === 'string');
  if (entries.length === 0) return '<none>';
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${String(v)}`).join(',');
}

/** A metav1.LabelSelector as upstream prints it (`app=web,tier in (a,b)`), `<none>` if empty. */
export function formatLabelSelector(selector: unknown): string {
  if (!isRecord(selector)) return '<none>';
  const parts: string[] = [];
  const matchLabels = recordAt(selector, 'matchLabels') ?? {};
  for (const k of Object.keys(matchLabels).sort()) parts.push(`${k}=${String(matchLabels[k])}`);
  for (const expr of recordsAt(selector, 'matchExpressions')) {
    const key = stringAt(expr, 'key') ?? '';
    const op = stringAt(expr, 'operator') ?? '';
    const values = Array.isArray(expr['values']) ? expr['values'].map(String) : [];
    switch (op) {
      case 'In': parts.push(`${key} in (${values.join(',')})`); break;
      case 'NotIn': parts.push(`${key} notin (${values.join(',')})`); break;
      case 'Exists': parts.push(key); break;
      case 'DoesNotExist': parts.push(`!${key}`); break;
      default: parts.push(`${key} ${op} (${values.join(',')})`);
    }
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}

/** Container names and images of a pod spec, comma-joined (the wide columns of workloads). */
export function containersAndImages(podSpec: unknown): [string, string] {
  const containers = recordsAt(podSpec, 'containers');
  return [containers.map((c) => stringAt(c, 'name') ?? '').join(','), containers.map((c) => stringAt(c, 'image') ?? '').join(',')];
}

export const containersColumn = wide('Containers', 'Names of each container in the template.');
export const imagesColumn = wide('Images', 'Images referenced by each container in the template.');
export const selectorColumn = wide('Selector', 'Label selector for pods.');
