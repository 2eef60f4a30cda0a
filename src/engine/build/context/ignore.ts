/**
 * `.dockerignore`: one pattern per line, `#` comments, `!` exceptions; the last pattern that
 * matches a path decides. A pattern also matches everything under a directory it matches
 * (as Docker's patternmatcher checks a path's parents).
 */
import { cleanRelative, globToRegExp } from './glob.js';

interface IgnoreRule {
  readonly text: string;
  readonly exception: boolean;
  readonly regexp: RegExp;
  readonly depth: number;
}

export class IgnoreMatcher {
  private constructor(private readonly rules: readonly IgnoreRule[]) {}

  static parse(text: string): IgnoreMatcher {
    const rules: IgnoreRule[] = [];
    for (const raw of text.split(/\r?\n/)) {
      let line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const exception = line.startsWith('!');
      if (exception) line = line.slice(1).trim();
      const cleaned = cleanRelative(line);
      if (cleaned === '') continue;
      rules.push({ text: cleaned, exception, regexp: globToRegExp(cleaned), depth: cleaned.split('/').length });
    }
    return new IgnoreMatcher(rules);
  }

  static empty(): IgnoreMatcher {
    return new IgnoreMatcher([]);
  }

  get isEmpty(): boolean {
    return this.rules.length === 0;
  }

  /** Whether any `!` rule exists (then an excluded directory may still have included children). */
  get hasExceptions(): boolean {
    return this.rules.some((r) => r.exception);
  }

  /** True when the relative path (`a/b/c.txt`) is excluded from the context. */
  excludes(relPath: string): boolean {
    if (this.rules.length === 0) return false;
    const path = cleanRelative(relPath);
    const parts = path.split('/');
    let excluded = false;
    for (const rule of this.rules) {
      let match = rule.regexp.test(path);
      if (!match) {
        for (let i = 1; i < parts.length && !match; i++) match = rule.regexp.test(parts.slice(0, i).join('/'));
      }
      if (match) excluded = !rule.exception;
    }
    return excluded;
  }
}
