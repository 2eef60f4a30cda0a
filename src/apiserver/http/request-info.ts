/**
 * Turns a request path into what it addresses: a discovery document or a resource
 * (group, version, namespace, plural, name, subresource), as upstream's RequestInfoFactory.
 * The raw path is used, never a dot-segment-normalized one: `/pods/..` must not become a
 * request for the namespace.
 */
import { errors } from '../../machinery/errors.js';

export type RequestTarget =
  | { kind: 'resource'; group: string; version: string; namespace?: string; plural: string; name?: string; subresource?: string }
  | { kind: 'group-version'; group: string; version: string }
  | { kind: 'other'; path: string };

/** Splits a raw request URL into its path and query without normalizing the path. */
export function splitUrl(rawUrl: string): { pathname: string; query: URLSearchParams } {
  const q = rawUrl.indexOf('?');
  return q < 0 ? { pathname: rawUrl || '/', query: new URLSearchParams() } : { pathname: rawUrl.slice(0, q) || '/', query: new URLSearchParams(rawUrl.slice(q + 1)) };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw errors.badRequest(`invalid path segment ${JSON.stringify(s)}`);
  }
}

export function parseTarget(pathname: string): RequestTarget {
  const raw = pathname.split('/').slice(1);
  // A trailing slash is tolerated; empty segments elsewhere address nothing.
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop();
  const parts = raw.map(decodeSegment);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1]) { group = ''; rest = parts.slice(1); }
  else if (parts[0] === 'apis' && parts[1] && parts[2]) { group = parts[1]; rest = parts.slice(2); }
  else return { kind: 'other', path: pathname };
  if (rest.some((p) => p === '' || p === '.' || p === '..')) return { kind: 'other', path: pathname };
  const version = rest[0] ?? '';
  const r = rest.slice(1);
  if (r.length === 0) return { kind: 'group-version', group, version };
  // /namespaces/{ns}/{plural}... addresses a namespaced resource; /namespaces/{ns} alone (or
  // with a subresource such as status/finalize) is the namespace object itself.
  if (r[0] === 'namespaces' && r.length >= 3 && r[2] !== 'status' && r[2] !== 'finalize') {
    return { kind: 'resource', group, version, namespace: r[1] as string, plural: r[2] as string, ...(r[3] !== undefined ? { name: r[3] } : {}), ...(r[4] !== undefined ? { subresource: r.slice(4).join('/') } : {}) };
  }
  return { kind: 'resource', group, version, plural: r[0] as string, ...(r[1] !== undefined ? { name: r[1] } : {}), ...(r[2] !== undefined ? { subresource: r.slice(2).join('/') } : {}) };
}
