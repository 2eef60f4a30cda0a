/**
 * Container IDs (64 hex, shown as 12) and names: unique, reserved by creating
 * names/<name> exclusively so two concurrent `skiff run --name x` cannot both win.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { namesDir } from './paths.js';
import { RuntimeError, isErrno } from './errors.js';

export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}

export function shortContainerId(id: string): string {
  return id.slice(0, 12);
}

const adjectives = ['brave', 'calm', 'eager', 'fervent', 'gentle', 'happy', 'jolly', 'keen', 'lucid', 'merry', 'nifty', 'quirky', 'serene', 'tender', 'vibrant', 'wizardly', 'zealous', 'bold', 'crisp', 'dreamy'];
const nouns = ['albatross', 'badger', 'cormorant', 'dolphin', 'egret', 'ferret', 'gannet', 'heron', 'ibis', 'jackal', 'kestrel', 'lemur', 'marten', 'newt', 'otter', 'puffin', 'quail', 'raven', 'stoat', 'tern'];

export function randomName(): string {
  const bytes = randomBytes(2);
  return `${adjectives[bytes[0]! % adjectives.length]}_${nouns[bytes[1]! % nouns.length]}`;
}

const validName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Reserves `name` for `id`; without a name, picks a free random one. */
export async function reserveName(root: string, id: string, name: string | undefined): Promise<string> {
  // Synchronous: see record.ts.
  mkdirSync(namesDir(root), { recursive: true });
  if (name !== undefined) {
    if (!validName.test(name)) throw new RuntimeError('INVALID_ARGUMENT', `invalid container name "${name}": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*`);
    try {
      writeFileSync(join(namesDir(root), name), id, { flag: 'wx' });
      return name;
    } catch (err: unknown) {
      if (!isErrno(err, 'EEXIST')) throw err;
      const owner = await readFile(join(namesDir(root), name), 'utf8').catch(() => 'another container');
      throw new RuntimeError('NAME_IN_USE', `the container name "${name}" is already in use by ${owner}. You have to remove that container to be able to reuse that name: that name is already in use`);
    }
  }
  for (let attempt = 0; ; attempt++) {
    const candidate = attempt < 10 ? randomName() : `${randomName()}_${attempt}`;
    try {
      writeFileSync(join(namesDir(root), candidate), id, { flag: 'wx' });
      return candidate;
    } catch (err: unknown) {
      if (!isErrno(err, 'EEXIST')) throw err;
    }
  }
}

export async function releaseName(root: string, name: string, id: string): Promise<void> {
  const path = join(namesDir(root), name);
  try {
    // Only the owner releases: a name reused after a crash belongs to someone else.
    if (readFileSync(path, 'utf8') === id) unlinkSync(path);
  } catch (err: unknown) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
}

export async function idForName(root: string, name: string): Promise<string | undefined> {
  try {
    return await readFile(join(namesDir(root), name), 'utf8');
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENAMETOOLONG')) return undefined;
    throw err;
  }
}
