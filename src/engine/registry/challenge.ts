/**
 * WWW-Authenticate challenges (RFC 7235) as registries send them:
 * `Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"`
 * or `Basic realm="Registry Realm"`. Parameters may be quoted (with backslash escapes) or
 * bare tokens; several challenges may share one header, separated by commas.
 */

export interface Challenge {
  /** Lowercased: `bearer`, `basic`. */
  scheme: string;
  /** Parameter names lowercased. */
  params: Record<string, string>;
}

const tokenRe = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

export function parseChallenges(headerValue: string): Challenge[] {
  const challenges: Challenge[] = [];
  let rest = headerValue.trim();
  let current: Challenge | undefined;
  while (rest.length > 0) {
    const word = tokenRe.exec(rest)?.[0];
    if (word === undefined) {
      rest = rest.slice(1).trimStart(); // stray separator (",", ";")
      continue;
    }
    const after = rest.slice(word.length).trimStart();
    if (after.startsWith('=') && current) {
      // A parameter of the current challenge.
      let value: string;
      let tail = after.slice(1).trimStart();
      if (tail.startsWith('"')) {
        value = '';
        let i = 1;
        for (; i < tail.length && tail[i] !== '"'; i++) {
          if (tail[i] === '\\' && i + 1 < tail.length) i++;
          value += tail[i];
        }
        tail = tail.slice(i + 1);
      } else {
        value = /^[^,\s]*/.exec(tail)?.[0] ?? '';
        tail = tail.slice(value.length);
      }
      current.params[word.toLowerCase()] = value;
      rest = tail.trimStart().replace(/^,\s*/, '');
    } else {
      current = { scheme: word.toLowerCase(), params: {} };
      challenges.push(current);
      rest = after;
    }
  }
  return challenges;
}
