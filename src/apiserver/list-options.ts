/** Query parameters of list and watch requests, parsed and checked once (400 on bad input). */
import type { KubeObject, ResourceType } from '../api/types.js';
import { errors } from '../machinery/errors.js';
import { fieldsOf, supportedFields } from './fields.js';
import { parseFieldSelector, parseLabelSelector } from '../machinery/selectors.js';

export interface ListOptions {
  readonly watch: boolean;
  /** undefined when absent; '0' means "any", as upstream. */
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  readonly limit?: number;
  readonly continueToken?: string;
  readonly timeoutSeconds?: number;
  readonly allowWatchBookmarks: boolean;
  readonly sendInitialEvents?: boolean;
  /** False when no selector was given (then `matches` accepts everything). */
  readonly selective: boolean;
  /** True when the object passes the label and field selectors. */
  readonly matches: (obj: KubeObject) => boolean;
  /** The one name a `metadata.name=` field selector pins, so a list can read one key. */
  readonly exactName?: string;
}

function nonNegativeInt(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw errors.badRequest(`invalid value for ${name}: ${JSON.stringify(raw)}: must be a non-negative integer`);
  return Number(raw);
}

export function parseListOptions(rt: ResourceType, query: URLSearchParams): ListOptions {
  const labelText = query.get('labelSelector') ?? '';
  const fieldText = query.get('fieldSelector') ?? '';
  let labelMatch: (labels: Record<string, string>) => boolean = () => true;
  let fieldMatch: (fields: Record<string, string>) => boolean = () => true;
  let exactName: string | undefined;
  if (labelText) {
    const parsed = parseLabelSelector(labelText);
    if (!parsed.ok) throw errors.badRequest(parsed.error);
    labelMatch = (l) => parsed.value.matches(l);
  }
  if (fieldText) {
    const parsed = parseFieldSelector(fieldText);
    if (!parsed.ok) throw errors.badRequest(parsed.error);
    const known = new Set(supportedFields(rt));
    for (const r of parsed.value.requirements) {
      if (!known.has(r.field)) throw errors.badRequest(`field label not supported: ${r.field}`);
    }
    fieldMatch = (f) => parsed.value.matches(f);
    exactName = parsed.value.requiresExactMatch('metadata.name');
  }
  const rvMatch = query.get('resourceVersionMatch');
  if (rvMatch !== null && rvMatch !== '' && rvMatch !== 'NotOlderThan' && rvMatch !== 'Exact') {
    throw errors.badRequest(`resourceVersionMatch: Unsupported value: "${rvMatch}": supported values: "Exact", "NotOlderThan"`);
  }
  const rv = query.get('resourceVersion') ?? undefined;
  if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) throw errors.badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  const limit = nonNegativeInt(query, 'limit');
  const timeoutSeconds = nonNegativeInt(query, 'timeoutSeconds');
  const continueToken = query.get('continue') || undefined;
  const sie = query.get('sendInitialEvents');
  const watch = query.get('watch') === 'true' || query.get('watch') === '1';
  return {
    watch,
    ...(rv ? { resourceVersion: rv } : {}),
    ...(rvMatch ? { resourceVersionMatch: rvMatch } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(continueToken ? { continueToken } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    allowWatchBookmarks: query.get('allowWatchBookmarks') === 'true',
    ...(sie !== null ? { sendInitialEvents: sie === 'true' } : {}),
    selective: labelText !== '' || fieldText !== '',
    matches: (obj) => labelMatch(obj.metadata?.labels ?? {}) && fieldMatch(fieldsOf(rt, obj)),
    ...(exactName !== undefined ? { exactName } : {}),
  };
}
