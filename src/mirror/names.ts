/**
 * How a node's image names travel through a mirror's repository paths. The distribution
 * API has no field for the registry an image came from (containerd sends `?ns=`, which our
 * registry client cannot), so the registry goes first in the path: `docker.io/library/busybox`,
 * `127.0.0.1__5000/team/app` (':' is not allowed in a path; `__` is, and never ends a host
 * name). A path whose first component names no registry is read as a short name, as
 * `docker pull` reads it, so `skopeo inspect docker://MIRROR/busybox:latest` finds
 * `docker.io/library/busybox:latest`.
 */
import { formatReference, parseReference, type ImageReference } from '../engine/reference/index.js';

const portSuffix = /__(\d+)$/;

/** The mirror repository path for an image reference (its registry first). */
export function mirrorRepositoryPath(ref: ImageReference): string | undefined {
  // Upper-case or bracketed (IPv6) registry names have no path form; such images are not mirrored.
  if (!/^[a-z0-9.-]+(?::\d+)?$/.test(ref.domain)) return undefined;
  return `${ref.domain.replace(/:(\d+)$/, '__$1')}/${ref.path}`;
}

/** The normalised repository name (`docker.io/library/busybox`) a mirror path stands for. */
export function repositoryFromMirrorPath(path: string): string {
  const slash = path.indexOf('/');
  const first = slash >= 0 ? path.slice(0, slash) : '';
  const domainLike = first.includes('.') || first === 'localhost' || portSuffix.test(first);
  const name = domainLike ? `${first.replace(portSuffix, ':$1')}${path.slice(slash)}` : path;
  const ref = parseReference(name, { defaultTag: false });
  return `${ref.domain}/${ref.path}`;
}

/** The normalised name of `path:tag` as the image store keys it. */
export function storeName(path: string, tag: string): string {
  const repository = repositoryFromMirrorPath(path);
  return formatReference(parseReference(`${repository}:${tag}`));
}
