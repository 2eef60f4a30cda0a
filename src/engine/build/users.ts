/**
 * USER and --chown values -> numeric ids, looked up in the image's own /etc/passwd and
 * /etc/group (read inside the root, symlinks scoped), as Docker resolves them.
 */
import { readFile } from 'node:fs/promises';
import { isErrno } from '../util/index.js';
import { resolveScoped, type RootFs } from './context/scoped.js';

export interface ResolvedUser {
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids: readonly number[];
}

interface Entry { name: string; id: number; gid: number; members: string[] }

async function readTable(root: string | RootFs, path: string): Promise<Entry[]> {
  try {
    const file = await resolveScoped(root, path, { followFinal: true });
    if (!file.stats?.isFile()) return [];
    const text = await readFile(file.abs, 'utf8');
    return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => {
      const f = l.split(':');
      // passwd: name:x:uid:gid:... ; group: name:x:gid:members
      return { name: f[0] ?? '', id: Number(f[2]), gid: Number(f[3]), members: (f[3] ?? '').split(',').filter((m) => m !== '') };
    });
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}

const isNumeric = (s: string): boolean => /^\d+$/.test(s);

/** `USER` semantics: `name`, `uid`, `name:group`, `uid:gid`; unknown names are errors. */
export async function resolveUser(root: string | RootFs, spec: string, options: { supplementary: boolean } = { supplementary: true }): Promise<ResolvedUser> {
  if (spec === '') return { uid: 0, gid: 0, additionalGids: [] };
  const [userPart, groupPart] = spec.split(':', 2) as [string, string | undefined];
  const passwd = await readTable(root, '/etc/passwd');
  let uid: number;
  let gid: number;
  let name: string | undefined;
  if (isNumeric(userPart)) {
    uid = Number(userPart);
    const entry = passwd.find((e) => e.id === uid);
    gid = entry ? entry.gid : 0;
    name = entry?.name;
  } else {
    const entry = passwd.find((e) => e.name === userPart);
    if (!entry) throw new Error(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = entry.id;
    gid = entry.gid;
    name = entry.name;
  }
  const needGroups = groupPart !== undefined || (options.supplementary && name !== undefined);
  const groups = needGroups ? await readTable(root, '/etc/group') : [];
  if (groupPart !== undefined && groupPart !== '') {
    if (isNumeric(groupPart)) gid = Number(groupPart);
    else {
      const group = groups.find((g) => g.name === groupPart);
      if (!group) throw new Error(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = group.id;
    }
  }
  const additionalGids = options.supplementary && name !== undefined && groupPart === undefined
    ? groups.filter((g) => g.members.includes(name!) && g.id !== gid).map((g) => g.id)
    : [];
  return { uid, gid, additionalGids };
}

/** `--chown=user[:group]`: like USER, but a bare numeric uid keeps the same number as gid. */
export async function resolveChown(root: string | RootFs, spec: string): Promise<{ uid: number; gid: number }> {
  const [userPart, groupPart] = spec.split(':', 2) as [string, string | undefined];
  if (isNumeric(userPart) && (groupPart === undefined || groupPart === '')) return { uid: Number(userPart), gid: Number(userPart) };
  const resolved = await resolveUser(root, spec, { supplementary: false });
  return { uid: resolved.uid, gid: resolved.gid };
}
