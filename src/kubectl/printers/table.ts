/**
 * Human-readable output of server-side Tables (meta.k8s.io/v1), laid out as kubectl's table
 * printer: upper-cased column names, priority-1 columns only with -o wide, a NAMESPACE
 * column first with -A, `kind/name` when several kinds are printed, LABELS with
 * --show-labels and one column per -L label.
 */
import { formatColumns } from './tabwriter.js';

export interface TableColumnDefinition {
  name: string;
  type?: string;
  format?: string;
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } };
}

export interface Table {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string };
  columnDefinitions?: TableColumnDefinition[];
  rows?: TableRow[];
}

export interface TablePrintOptions {
  wide?: boolean;
  noHeaders?: boolean;
  withNamespace?: boolean;
  showLabels?: boolean;
  /** `-L` label keys. */
  labelColumns?: string[];
  /** `pod` or `deployment.apps`: prefix for the first cell (several kinds printed). */
  kindPrefix?: string;
}

/** `a=b,c=d` or `<none>`, as labels.FormatLabels (it sorts the `k=v` strings, not the keys). */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).sort();
  return pairs.length === 0 ? '<none>' : pairs.join(',');
}

export function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '<nil>';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return JSON.stringify(cell);
}

/** The rows (header first unless noHeaders) of one table, as cells. */
export function tableCells(table: Table, opts: TablePrintOptions): string[][] {
  const defs = table.columnDefinitions ?? [];
  const shown = defs.map((d, i) => ({ d, i })).filter(({ d }) => opts.wide || (d.priority ?? 0) === 0);
  const lines: string[][] = [];
  if (!opts.noHeaders) {
    const header = shown.map(({ d }) => d.name.toUpperCase());
    if (opts.withNamespace) header.unshift('NAMESPACE');
    for (const l of opts.labelColumns ?? []) header.push(labelHeader(l));
    if (opts.showLabels) header.push('LABELS');
    lines.push(header);
  }
  for (const row of table.rows ?? []) {
    const cells = shown.map(({ i }) => cellText(row.cells[i]));
    if (opts.kindPrefix && cells.length > 0) cells[0] = `${opts.kindPrefix}/${cells[0] ?? ''}`;
    const meta = row.object?.metadata;
    if (opts.withNamespace) cells.unshift(meta?.namespace ?? '');
    for (const l of opts.labelColumns ?? []) cells.push(meta?.labels?.[l] ?? '');
    if (opts.showLabels) cells.push(formatLabels(meta?.labels));
    lines.push(cells);
  }
  return lines;
}

/** kubectl's -L header: the key's last path segment, upper-cased. */
function labelHeader(key: string): string {
  const parts = key.split('/');
  return (parts[parts.length - 1] ?? key).toUpperCase();
}

export function printTable(table: Table, opts: TablePrintOptions): string {
  return formatColumns(tableCells(table, opts));
}
