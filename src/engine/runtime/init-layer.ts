/**
 * The init layer, as Docker has it (its "-init" layer): the mount points a container's mounts
 * need that its image lacks (/etc/hosts, /etc/hostname, /etc/resolv.conf, a volume's folder such
 * as a pod's /var/run/secrets/kubernetes.io/serviceaccount), as empty folders and files in a
 * read-only layer just above the image. Without it the OCI runtime makes them in the
 * container's writable layer at every start: ~9 new inodes per pod on the disk, which on ext4
 * without a journal (these VMs) each cost a scan of the recently deleted ones, and a removal
 * later. One layer serves every container of the same image with the same mount points; it
 * lives in the top snapshot's folder (snapshots/<chain>/init-<key>), so it goes with it.
 *
 * Only paths missing from every image layer are made, under folders that are folders in the
 * image: nothing the image has is hidden or changed. A path the layers alone cannot settle (a
 * symlink, a file or a whiteout on the way) is left to the runtime, as before.
 */
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import type { VolumeMount } from './record.js';

export interface MountPoint {
  /** Absolute path inside the container. */
  readonly path: string;
  readonly kind: 'dir' | 'file';
}

/** Mounts of their own under which the runtime makes mount points in a tmpfs or a pseudo file system, not the rootfs. */
const systemMountRoots = ['/dev', '/proc', '/sys'];

const etcFiles = ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf'];

function under(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

function normalized(path: string): string | undefined {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return `/${parts.join('/')}`;
}

/**
 * The mount points of a container with these volumes: the /etc files, the system mounts' own
 * folders and each volume's destination (a file for a file source, else a folder: a missing
 * source is made as a folder at start, as Docker does). A volume inside another mount is
 * left out: its mount point is made in that mount, not the rootfs.
 */
export function mountPointsFor(volumes: readonly VolumeMount[]): MountPoint[] {
  const points = new Map<string, MountPoint>();
  for (const path of systemMountRoots) points.set(path, { path, kind: 'dir' });
  for (const path of etcFiles) points.set(path, { path, kind: 'file' });
  const destinations = volumes.map((v) => normalized(v.destination));
  for (const [i, volume] of volumes.entries()) {
    const path = destinations[i];
    if (!path || systemMountRoots.some((root) => under(path, root))) continue;
    if (destinations.some((other, j) => j !== i && other && other !== path && under(path, other))) continue;
    const source = statSync(volume.source, { throwIfNoEntry: false });
    points.set(path, { path, kind: source && !source.isDirectory() ? 'file' : 'dir' });
  }
  return [...points.values()].sort((a, b) => a.path.localeCompare(b.path));
}

type LayeredType = 'dir' | 'other' | 'absent';

/** The image's folder at `rel` (its topmost layer's copy). */
function imageStat(lowerDirs: readonly string[], rel: string): Stats | undefined {
  for (const layer of lowerDirs) {
    const st = lstatSync(join(layer, rel), { throwIfNoEntry: false });
    if (st) return st;
  }
  return undefined;
}

/** What the image has at `rel`, as its topmost layer holding it says. */
function typeInLayers(lowerDirs: readonly string[], rel: string): LayeredType {
  const st = imageStat(lowerDirs, rel);
  return st ? (st.isDirectory() ? 'dir' : 'other') : 'absent';
}

/** The folders and files to make so every mount point exists (relative paths, parents first). */
export function missingMountPoints(lowerDirs: readonly string[], points: readonly MountPoint[]): MountPoint[] {
  const made = new Map<string, MountPoint>();
  for (const point of points) {
    const parts = point.path.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const rel = parts.slice(0, i + 1).join('/');
      const last = i === parts.length - 1;
      if (made.has(rel)) continue;
      const type = typeInLayers(lowerDirs, rel);
      if (type === 'dir' && !last) continue;
      if (type !== 'absent') break;
      for (let j = i; j < parts.length; j++) {
        const path = parts.slice(0, j + 1).join('/');
        made.set(path, { path, kind: j === parts.length - 1 ? point.kind : 'dir' });
      }
      break;
    }
  }
  return [...made.values()];
}

/** An init layer's folder name (snapshots/<chain>/init-<key>). */
const initLayerName = /\/init-[0-9a-f]{16}$/;

/**
 * True for an init layer: it holds only empty mount points, never a file a reader of the image
 * looks for (/etc/passwd), and no opaque folder, so layered reads may skip it.
 */
export function isInitLayer(dir: string): boolean {
  return initLayerName.test(dir);
}

/** Answers already settled in this process: layer folder, or undefined for "nothing missing". */
const known = new Map<string, string | undefined>();

/**
 * The init layer for an image (its layer folders, top first) and these mount points: made on
 * first need, undefined when the image has them all. Safe against other processes making the
 * same one: each builds its own and renames it into place; the loser's copy is dropped.
 */
export function ensureInitLayer(lowerDirs: readonly string[], points: readonly MountPoint[]): string | undefined {
  const top = lowerDirs[0];
  if (!top) return undefined;
  const key = createHash('sha256').update(JSON.stringify(points)).digest('hex').slice(0, 16);
  // The top snapshot's folder is named by its chain id, which names every layer below it too:
  // the path alone identifies the image and the mount points.
  const path = join(dirname(top), `init-${key}`);
  if (known.has(path)) {
    const hit = known.get(path);
    if (hit === undefined || statSync(hit, { throwIfNoEntry: false })) return hit;
  }
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    known.set(path, path);
    return path;
  }
  const missing = missingMountPoints(lowerDirs, points);
  if (missing.length === 0) {
    known.set(path, undefined);
    return undefined;
  }
  const temp = mkdtempSync(`${path}.tmp-`);
  try {
    chmodSync(temp, 0o755);
    const made = new Set<string>();
    for (const entry of missing) {
      // The image's own folders on the way keep their owner and mode: the topmost copy of a
      // folder is what the container sees, and this layer is on top. (Missing folders come
      // before what goes in them, so those are made by then.)
      const parts = entry.path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join('/');
        if (made.has(parent)) continue;
        const st = imageStat(lowerDirs, parent);
        mkdirSync(join(temp, parent), { mode: 0o755 });
        if (st) {
          chmodSync(join(temp, parent), st.mode & 0o7777);
          chownSync(join(temp, parent), st.uid, st.gid);
        }
        made.add(parent);
      }
      const target = join(temp, entry.path);
      if (entry.kind === 'dir') mkdirSync(target, { mode: 0o755 });
      else closeSync(openSync(target, 'wx', 0o644));
      made.add(entry.path);
    }
    try {
      renameSync(temp, path);
    } catch (err: unknown) {
      // Another process put the same layer in place first: use that one.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw err;
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  known.set(path, path);
  return path;
}
