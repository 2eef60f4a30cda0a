/** DATA_DIR/token on the server: the join token, kept while the CA stays. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { caCertHash, formatJoinToken, newBootstrapToken, parseJoinToken, type JoinToken } from './token.js';

/** The token in the file if it still names this CA, else a fresh one (not written yet). */
export function joinTokenFor(path: string, caCertPem: string): JoinToken {
  const caHash = caCertHash(caCertPem);
  if (existsSync(path)) {
    try {
      const have = parseJoinToken(readFileSync(path, 'utf8'));
      if (have.caHash === caHash) return have;
    } catch {
      // An older plain token or a damaged file: replaced by a fresh join token.
    }
  }
  return { caHash, ...newBootstrapToken() };
}

export function writeJoinTokenFile(path: string, token: JoinToken): void {
  writeFileSync(path, `${formatJoinToken(token)}\n`, { mode: 0o600 });
}

/** Reads or makes the token and writes it out. */
export function ensureJoinTokenFile(path: string, caCertPem: string): JoinToken {
  const token = joinTokenFor(path, caCertPem);
  writeJoinTokenFile(path, token);
  return token;
}
