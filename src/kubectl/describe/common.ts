/** Pieces every describer shares: labels, annotations, times and events, as kubectl prints them. */
import type { KubeObject } from '../../api/types.js';
import type { DescribeWriter } from './writer.js';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj = (v: unknown): Obj => (isObj(v) ? v : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

const skipAnnotations = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const maxAnnotationLen = 140;

/** Go's %v of a decoded JSON value. */
export function goV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  if (isObj(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goV(v[k])}`).join(' ')}]`;
  return String(v);
}

export function printLabels(w: DescribeWriter, title: string, labels: unknown, initialIndent = ''): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const m = obj(labels);
  const keys = Object.keys(m).sort();
  if (keys.length === 0) { w.line('<none>'); return; }
  keys.forEach((k, i) => {
    if (i !== 0) { w.write(0, initialIndent); w.write(0, '\t'); }
    w.write(0, `${k}=${str(m[k])}\n`);
  });
}

export function printAnnotations(w: DescribeWriter, title: string, annotations: unknown): void {
  w.write(0, `${title}:\t`);
  const m = obj(annotations);
  const keys = Object.keys(m).filter((k) => !skipAnnotations.has(k)).sort();
  if (keys.length === 0) { w.line('<none>'); return; }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = str(m[k]).replace(/\n$/, '');
    if (value.length + k.length + 2 > maxAnnotationLen || value.includes('\n')) {
      w.write(0, `${k}:\n`);
      for (const s of value.split('\n')) w.write(0, `\t  ${s.length > maxAnnotationLen - 2 ? `${s.slice(0, maxAnnotationLen - 2)}...` : s}\n`);
    } else {
      w.write(0, `${k}: ${value}\n`);
    }
  });
}

export function printTolerations(w: DescribeWriter, title: string, tolerations: unknown, initialIndent = ''): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const list = arr(tolerations).map(obj).sort((a, b) => (str(a['key']) < str(b['key']) ? -1 : str(a['key']) > str(b['key']) ? 1 : 0));
  if (list.length === 0) { w.line('<none>'); return; }
  list.forEach((t, i) => {
    if (i !== 0) { w.write(0, initialIndent); w.write(0, '\t'); }
    let s = str(t['key']);
    if (t['value']) s += `=${str(t['value'])}`;
    if (t['effect']) s += `:${str(t['effect'])}`;
    if (t['operator'] === 'Exists' && !t['value']) s += t['key'] || t['effect'] ? ' op=Exists' : 'op=Exists';
    if (typeof t['tolerationSeconds'] === 'number') s += ` for ${t['tolerationSeconds']}s`;
    w.write(0, `${s}\n`);
  });
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** Go's time.RFC1123Z in UTC (the machines run in UTC): `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function rfc1123z(iso: unknown): string {
  const d = new Date(str(iso));
  if (Number.isNaN(d.getTime())) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  return `${days[d.getUTCDay()] ?? ''}, ${two(d.getUTCDate())} ${months[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** apimachinery's duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) { const s = seconds % 60; return s === 0 ? `${minutes}m` : `${minutes}m${s}s`; }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) { const m = minutes % 60; return m === 0 ? `${hours}h` : `${hours}h${m}m`; }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) { const h = hours % 24; return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`; }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) { const dy = Math.floor(hours / 24) % 365; const y = Math.floor(hours / 24 / 365); return dy === 0 ? `${y}y` : `${y}y${dy}d`; }
  return `${Math.floor(hours / 24 / 365)}y`;
}

export function since(iso: unknown, now: number): string {
  const t = Date.parse(str(iso));
  if (!iso || Number.isNaN(t)) return '<unknown>';
  return humanDuration(now - t);
}

/** The Events section (flushes first, as kubectl does, so the table aligns on its own). */
export function describeEvents(w: DescribeWriter, events: KubeObject[] | undefined, now: number): void {
  if (!events) return;
  if (events.length === 0) { w.write(0, 'Events:\t<none>\n'); return; }
  w.flush();
  const when = (e: Obj): number => Date.parse(str(e['lastTimestamp'] ?? e['eventTime'] ?? e['firstTimestamp'])) || 0;
  const sorted = [...events].map((e) => e as Obj).sort((a, b) => when(a) - when(b));
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = e['eventTime'] ? since(e['eventTime'], now) : since(e['firstTimestamp'], now);
    const series = obj(e['series']);
    let interval = first;
    if (e['series']) interval = `${since(series['lastObservedTime'], now)} (x${str(series['count'])} over ${first})`;
    else if (typeof e['count'] === 'number' && e['count'] > 1) interval = `${since(e['lastTimestamp'], now)} (x${e['count']} over ${first})`;
    const source = str(obj(e['source'])['component']) || str(e['reportingComponent'] ?? e['reportingController']);
    w.write(1, `${str(e['type'])}\t${str(e['reason'])}\t${interval}\t${source}\t${str(e['message']).trim()}\n`);
  }
}
