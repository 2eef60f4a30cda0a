/**
 * Path patterns as Docker uses them in COPY sources and .dockerignore: Go's filepath.Match
 * syntax (`*`, `?`, `[a-z]`, `[^a-z]`, `\` escapes) over '/'-separated paths, plus `**`,
 * which matches any number of path segments (including none).
 */

export class PatternError extends Error {}

/** True when the text has a wildcard character (so it is matched rather than looked up). */
export function hasGlob(text: string): boolean {
  return /[*?[]/.test(text);
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/** Compiles a pattern into a RegExp matching whole relative paths (no leading `/`). */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        const atSegmentStart = i === 0 || pattern[i - 1] === '/';
        if (atSegmentStart && pattern[i + 2] === '/') {
          re += '(?:.*/)?'; // `**/`: zero or more whole segments
          i += 3;
        } else {
          re += '.*';
          i += 2;
        }
        continue;
      }
      re += '[^/]*';
      i++;
      continue;
    }
    if (ch === '?') { re += '[^/]'; i++; continue; }
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw new PatternError(`syntax error in pattern "${pattern}": trailing backslash`);
      re += escapeRegExp(next);
      i += 2;
      continue;
    }
    if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new PatternError(`syntax error in pattern "${pattern}": unterminated [`);
      let body = pattern.slice(i + 1, end);
      const negated = body.startsWith('^') || body.startsWith('!');
      if (negated) body = body.slice(1);
      const cls = body.replace(/\\(.)/g, '$1').replace(/[\\\]^]/g, (c) => `\\${c}`);
      re += negated ? `[^/${cls}]` : `[${cls}]`;
      i = end + 1;
      continue;
    }
    re += escapeRegExp(ch);
    i++;
  }
  return new RegExp(`^${re}$`);
}

/** Normalises a relative path or pattern: no `./`, no duplicate or trailing slashes. */
export function cleanRelative(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') { parts.pop(); continue; }
    parts.push(part);
  }
  return parts.join('/');
}
