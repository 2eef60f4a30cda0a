/**
 * `-u USER[:GROUP]` to numeric ids, as Docker does: numbers are taken as they are; names are
 * looked up in the container's own /etc/passwd and /etc/group (never the host's). The user's
 * supplementary groups come from /etc/group; HOME from /etc/passwd.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RuntimeError } from './errors.js';
import { readLayeredFile } from './layered-read.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#')) continue;
    out.push({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#')) continue;
    out.push({ name: f[0]!, gid: Number(f[2]), members: f[3]!.split(',').filter((m) => m !== '') });
  }
  return out;
}

async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

const numeric = /^\d+$/;

/** Resolves against already-read passwd and group text (pure, for tests). */
export function resolveUserFrom(spec: string, passwdText: string, groupText: string): ResolvedUser {
  const [userPart = '', groupPart] = spec === '' ? ['root'] : spec.split(':', 2);
  const passwd = parsePasswd(passwdText);
  const groups = parseGroup(groupText);
  let uid: number;
  let gid: number;
  let home = '/';
  let name: string | undefined;
  if (numeric.test(userPart)) {
    uid = Number(userPart);
    const entry = passwd.find((p) => p.uid === uid);
    gid = entry?.gid ?? 0;
    home = entry?.home ?? '/';
    name = entry?.name;
  } else {
    const entry = passwd.find((p) => p.name === userPart);
    if (!entry) {
      if (userPart === 'root') return { uid: 0, gid: 0, additionalGids: [], home: '/root' };
      throw new RuntimeError('INVALID_ARGUMENT', `unable to find user ${userPart}: no matching entries in passwd file`);
    }
    ({ uid, gid, home } = entry);
    name = entry.name;
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (numeric.test(groupPart)) gid = Number(groupPart);
    else {
      const group = groups.find((g) => g.name === groupPart);
      if (!group) throw new RuntimeError('INVALID_ARGUMENT', `unable to find group ${groupPart}: no matching entries in group file`);
      gid = group.gid;
    }
  }
  const additionalGids = name === undefined ? [] : groups.filter((g) => g.members.includes(name) && g.gid !== gid).map((g) => g.gid);
  return { uid, gid, additionalGids, home };
}

export async function resolveUser(rootfs: string, spec: string): Promise<ResolvedUser> {
  const [passwd, group] = await Promise.all([readOptional(join(rootfs, 'etc/passwd')), readOptional(join(rootfs, 'etc/group'))]);
  return resolveUserFrom(spec, passwd, group);
}

/**
 * The same lookup read from the overlay's layer folders (upper first) before anything is
 * mounted; undefined when the layers alone cannot tell (see layered-read.ts).
 */
export async function resolveUserFromLayers(layers: readonly string[], spec: string): Promise<ResolvedUser | undefined> {
  const [passwd, group] = await Promise.all([readLayeredFile(layers, 'etc/passwd'), readLayeredFile(layers, 'etc/group')]);
  if (passwd === 'unknown' || group === 'unknown') return undefined;
  return resolveUserFrom(spec, passwd === 'absent' ? '' : passwd.text, group === 'absent' ? '' : group.text);
}
