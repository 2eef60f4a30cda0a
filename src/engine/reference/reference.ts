/**
 * Image references parsed the way Docker parses them (distribution/reference): an optional
 * registry domain, a lowercase path, an optional tag and an optional digest. `nginx` becomes
 * `docker.io/library/nginx:latest`; the "familiar" form goes back the other way for display.
 */

export const DEFAULT_DOMAIN = 'docker.io';
const OFFICIAL_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
const MAX_NAME_LENGTH = 255;

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const domainPattern = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?$|^\[[a-fA-F0-9:]+\](?::[0-9]+)?$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/** A fully qualified reference: domain and path are always set, tag defaults to latest unless a digest is given. */
export interface ImageReference {
  readonly domain: string;
  /** Repository path inside the domain, e.g. `library/busybox`. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

export class ReferenceError extends Error {
  readonly code = 'INVALID_REFERENCE';
  constructor(readonly input: string, why: string) {
    super(`invalid reference format "${input}": ${why}`);
    this.name = 'ReferenceError';
  }
}

/** True when the first path element names a registry rather than a Docker Hub user. */
function looksLikeDomain(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first;
}

/**
 * Parses and normalises a reference. With `defaultTag` false a reference without tag or
 * digest keeps no tag (useful for `rmi busybox` style matching is not needed: Docker also
 * adds :latest there, so the default is true).
 */
export function parseReference(input: string, options: { defaultTag?: boolean } = {}): ImageReference {
  const addTag = options.defaultTag ?? true;
  if (input === '') throw new ReferenceError(input, 'repository name must have at least one component');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) throw new ReferenceError(input, `invalid digest "${digest}"`);
    if (digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) {
      throw new ReferenceError(input, 'sha256 digest must be 64 lowercase hex characters');
    }
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!tagPattern.test(tag)) throw new ReferenceError(input, `invalid tag "${tag}" (allowed: letters, digits, _ . -; at most 128, not starting with . or -)`);
  }
  if (rest === '') throw new ReferenceError(input, 'repository name must have at least one component');
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0 && looksLikeDomain(rest.slice(0, slash))) {
    domain = rest.slice(0, slash);
    path = rest.slice(slash + 1);
    if (!domainPattern.test(domain)) throw new ReferenceError(input, `invalid registry domain "${domain}"`);
  }
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN;
  if (path.toLowerCase() !== path) throw new ReferenceError(input, 'repository name must be lowercase');
  for (const component of path.split('/')) {
    if (!pathComponent.test(component)) {
      throw new ReferenceError(input, component === '' ? 'empty path component' : `invalid path component "${component}" (lowercase letters, digits and single separators . _ __ - only)`);
    }
  }
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  if (domain.length + 1 + path.length > MAX_NAME_LENGTH) throw new ReferenceError(input, `repository name must not be longer than ${MAX_NAME_LENGTH} characters`);
  if (tag === undefined && digest === undefined && addTag) tag = DEFAULT_TAG;
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** `docker.io/library/busybox` */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The full normalised string: `docker.io/library/busybox:latest`, `host/a@sha256:...`. */
export function formatReference(ref: ImageReference): string {
  let out = repositoryName(ref);
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** Docker's short repository form: `busybox`, `user/app`, `localhost:5000/a/b`. */
export function familiarRepository(ref: ImageReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryName(ref);
  return ref.path.startsWith(OFFICIAL_PREFIX) && ref.path.indexOf('/', OFFICIAL_PREFIX.length) < 0
    ? ref.path.slice(OFFICIAL_PREFIX.length)
    : ref.path;
}

/** `busybox:latest`, `localhost:5000/a/b:t`. */
export function familiarString(ref: ImageReference): string {
  let out = familiarRepository(ref);
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** Normalises a string reference in one step (adds :latest when neither tag nor digest). */
export function normalizeReference(input: string): string {
  return formatReference(parseReference(input));
}

/** True for something that can only be an image ID or ID prefix (hex, maybe `sha256:`). */
export function looksLikeImageId(input: string): boolean {
  return /^(sha256:)?[a-f0-9]{3,64}$/.test(input);
}
