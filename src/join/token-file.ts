/** DATA_DIR/token on the server: the join token, made once and kept while the CA stays. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { caCertHash, formatJoinToken, newBootstrapToken, parseJoinToken, type JoinToken } from './token.js';

export function ensureJoinTokenFile(path: string, caCertPem: string): JoinToken {
  const caHash = caCertHash(caCertPem);
  if (existsSync(path)) {
    try {
      const have = parseJoinToken(readFileSync(path, 'utf8'));
      if (have.caHash === caHash) return have;
    } catch {
      // An older plain token or a damaged file: replaced below by a fresh join token.
    }
  }
  const token: JoinToken = { caHash, ...newBootstrapToken() };
  writeFileSync(path, `${formatJoinToken(token)}\n`, { mode: 0o600 });
  return token;
}
