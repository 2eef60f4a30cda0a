/**
 * `RUN --mount=...` as BuildKit has it, for what works without network or secrets:
 *  - type=cache: a folder kept across builds under <root>/build-cache/mounts (id= names it,
 *    default the target), for package manager caches; not part of the image or the cache key;
 *  - type=tmpfs: an empty tmpfs;
 *  - type=bind (the default): a read-only view of a context path (source=, default the
 *    context root) or of another stage's or image's files (from=), keyed by their content.
 * Mount points the step had to create are removed from its layer afterwards.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { processWord } from './dockerfile/index.js';
import { cleanRelative } from './context/glob.js';

export type RunMount =
  | { readonly type: 'cache'; readonly target: string; readonly id: string; readonly readonly: boolean; readonly uid: number; readonly gid: number; readonly mode: number }
  | { readonly type: 'tmpfs'; readonly target: string; readonly size?: string }
  | { readonly type: 'bind'; readonly target: string; readonly source: string; readonly from?: string };

export class MountSpecError extends Error {}

const TRUE_WORDS = new Set(['', 'true', '1']);

/** Parses one --mount value (`type=cache,target=/root/.cache,id=x`); a relative target is under WORKDIR. */
export function parseRunMount(text: string, workdir: string): RunMount {
  const fields = new Map<string, string>();
  for (const part of text.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    fields.set(key, eq < 0 ? '' : part.slice(eq + 1).trim());
  }
  const type = fields.get('type') ?? 'bind';
  const rawTarget = fields.get('target') ?? fields.get('dst') ?? fields.get('destination');
  if (rawTarget === undefined || rawTarget === '') throw new MountSpecError(`--mount=${text}: a target is required`);
  const target = posix.resolve(workdir || '/', rawTarget);
  if (target === '/') throw new MountSpecError(`--mount=${text}: cannot mount over /`);
  const flag = (...names: string[]): boolean => names.some((n) => fields.has(n) && TRUE_WORDS.has(fields.get(n)!.toLowerCase()));
  const number = (name: string, fallback: number, base = 10): number => {
    const v = fields.get(name);
    if (v === undefined) return fallback;
    const n = parseInt(v, base);
    if (!Number.isInteger(n) || n < 0) throw new MountSpecError(`--mount=${text}: invalid ${name} "${v}"`);
    return n;
  };
  switch (type) {
    case 'cache':
      return {
        type, target, id: fields.get('id') || target, readonly: flag('ro', 'readonly'),
        uid: number('uid', 0), gid: number('gid', 0), mode: number('mode', 0o755, 8),
      };
    case 'tmpfs': {
      const size = fields.get('size');
      return { type, target, ...(size !== undefined ? { size } : {}) };
    }
    case 'bind': {
      if (flag('rw', 'readwrite')) throw new MountSpecError(`--mount=${text}: read-write bind mounts are not supported (they would write into the context)`);
      const from = fields.get('from');
      return { type, target, source: cleanRelative(fields.get('source') ?? fields.get('src') ?? '.'), ...(from !== undefined && from !== '' ? { from } : {}) };
    }
    case 'secret': case 'ssh':
      throw new MountSpecError(`--mount=type=${type} is not supported by this builder`);
    default:
      throw new MountSpecError(`--mount=${text}: unknown mount type "${type}"`);
  }
}

/** Parses every --mount of a RUN, expanding variables in them as BuildKit does. */
export function parseRunMounts(texts: readonly string[], workdir: string, lookup: (name: string) => string | undefined, escape: string): RunMount[] {
  return texts.map((t) => parseRunMount(processWord(t, lookup, { escape }), workdir));
}

/** The folder a cache mount keeps between builds. */
export function cacheMountDir(engineRoot: string, id: string): string {
  return posix.join(engineRoot, 'build-cache', 'mounts', createHash('sha256').update(id).digest('hex').slice(0, 32));
}
