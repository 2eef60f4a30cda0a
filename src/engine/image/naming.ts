/**
 * The rules for names in the reference table, as pure edits of it (the store runs them under
 * its lock): pointing names at a manifest keeps a displaced image as dangling, and removal
 * follows Docker's rmi (a name among several only untags; an ID with several names, or an
 * image a container uses, needs force).
 */
import { familiarString, parseReference } from '../reference/index.js';
import { ImageConflictError } from './errors.js';
import { DANGLING_PREFIX, shortId } from './model.js';
import type { ReferenceEntry } from './refs.js';

type Table = Record<string, ReferenceEntry>;

function now(): string {
  return new Date().toISOString();
}

/** Names (not dangling markers) pointing at a manifest. */
export function namesOf(refs: Table, digest: string): string[] {
  return Object.entries(refs).filter(([n, e]) => e.digest === digest && !n.startsWith(DANGLING_PREFIX)).map(([n]) => n);
}

/** Marks a manifest dangling if no name points at it any more, so it stays listed as `<none>`. */
function keepIfNameless(refs: Table, digest: string): void {
  if (namesOf(refs, digest).length === 0) refs[DANGLING_PREFIX + digest] = { digest, updated: now() };
}

/** Points normalised names at a manifest; images that lose their last name become dangling. */
export function pointNames(refs: Table, manifestDigest: string, normalisedNames: readonly string[]): void {
  const displaced = new Set<string>();
  for (const name of normalisedNames) {
    const old = refs[name];
    if (old && old.digest !== manifestDigest) displaced.add(old.digest);
    refs[name] = { digest: manifestDigest, updated: now() };
  }
  if (normalisedNames.length > 0) delete refs[DANGLING_PREFIX + manifestDigest];
  else keepIfNameless(refs, manifestDigest);
  for (const digest of displaced) keepIfNameless(refs, digest);
}

export interface RemovalRequest {
  imageId: string;
  manifestDigest: string;
  /** The name rmi was given, when it was a name (normalised); undefined for an ID. */
  byName?: string;
  force?: boolean;
  /** Containers using the image. */
  users: readonly string[];
}

export interface RemovalOutcome {
  untagged: string[];
  /** True when the image itself goes (its blobs and snapshots can be collected). */
  deleted: boolean;
}

export function applyRemoval(refs: Table, request: RemovalRequest): RemovalOutcome {
  const { manifestDigest, byName } = request;
  const names = namesOf(refs, manifestDigest);
  const untag = (list: readonly string[]): string[] => {
    for (const n of list) delete refs[n];
    return [...list];
  };
  if (request.users.length > 0) {
    if (!request.force) {
      const what = byName !== undefined ? `repository reference "${familiarString(parseReference(byName))}"` : shortId(request.imageId);
      throw new ImageConflictError(`conflict: unable to remove ${what} (must force) - container ${request.users[0]!.slice(0, 12)} is using its referenced image ${shortId(request.imageId)}`);
    }
    // Forced: the names go, the image stays (dangling) for the containers that run on it.
    const untagged = untag(byName !== undefined ? names.filter((n) => n === byName) : names);
    keepIfNameless(refs, manifestDigest);
    return { untagged, deleted: false };
  }
  if (byName !== undefined && names.length > 1) return { untagged: untag([byName]), deleted: false };
  if (byName === undefined && names.length > 1 && !request.force) {
    throw new ImageConflictError(`conflict: unable to delete ${shortId(request.imageId)} (must be forced) - image is referenced in multiple repositories`);
  }
  const untagged = untag(names);
  delete refs[DANGLING_PREFIX + manifestDigest];
  return { untagged, deleted: true };
}
