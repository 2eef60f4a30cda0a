/**
 * Where registry credentials come from, as podman looks for them: `--creds user:pass`
 * first, then auth files with an `"auths"` map (REGISTRY_AUTH_FILE, `<engine root>/auth.json`,
 * $XDG_RUNTIME_DIR/containers/auth.json, then Docker's ~/.docker/config.json). A key may name
 * a registry (`127.0.0.1:5000`, `https://index.docker.io/v1/`) or a repository inside one
 * (`quay.io/team/app`); the most specific key that matches wins.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readJsonFile } from '../util/index.js';

export interface Credentials {
  username: string;
  password: string;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
}

interface AuthFile {
  auths?: Record<string, AuthEntry>;
}

/** `user:pass` (the password may contain colons). */
export function parseCredsFlag(value: string): Credentials {
  const colon = value.indexOf(':');
  if (colon <= 0) throw new Error(`--creds must be USERNAME:PASSWORD, got "${value.includes(':') ? '(empty username)' : value}"`);
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

const dockerHubAliases = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];

/** A key of an `auths` map without scheme and API suffix: `https://index.docker.io/v1/` -> `docker.io`. */
export function normalizeAuthKey(key: string): string {
  let k = key.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '').replace(/\/v[12]$/, '');
  const slash = k.indexOf('/');
  const host = slash < 0 ? k : k.slice(0, slash);
  if (dockerHubAliases.includes(host)) k = `docker.io${slash < 0 ? '' : k.slice(slash)}`;
  return k;
}

/** The auth files to consult, in order. */
export function authFilePaths(engineRoot: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const paths: string[] = [];
  if (env.REGISTRY_AUTH_FILE) paths.push(env.REGISTRY_AUTH_FILE);
  paths.push(join(engineRoot, 'auth.json'));
  if (env.XDG_RUNTIME_DIR) paths.push(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  paths.push(join(env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker'), 'config.json'));
  return paths;
}

function decodeEntry(entry: AuthEntry, file: string, key: string): Credentials | undefined {
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new Error(`${file}: "auths" entry "${key}" has an "auth" value that is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') return { username: entry.username, password: entry.password };
  return undefined; // e.g. a credential helper entry: nothing we can use
}

/** The best match in one `auths` map for `registry/repository`, most specific key first. */
export function matchAuths(auths: Record<string, AuthEntry>, registry: string, repository: string, file = 'auth file'): Credentials | undefined {
  const wanted = normalizeAuthKey(`${registry}/${repository}`);
  const candidates: string[] = [];
  for (let k = wanted; ; k = k.slice(0, k.lastIndexOf('/'))) {
    candidates.push(k);
    if (!k.includes('/')) break;
  }
  const byKey = new Map(Object.entries(auths).map(([key, entry]) => [normalizeAuthKey(key), { key, entry }]));
  for (const candidate of candidates) {
    const hit = byKey.get(candidate);
    if (hit) {
      const creds = decodeEntry(hit.entry, file, hit.key);
      if (creds) return creds;
    }
  }
  return undefined;
}

/** Credentials for a repository from the auth files, or undefined (anonymous). */
export async function lookupCredentials(registry: string, repository: string, engineRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<Credentials | undefined> {
  for (const file of authFilePaths(engineRoot, env)) {
    const parsed = await readJsonFile<AuthFile>(file);
    if (!parsed?.auths || typeof parsed.auths !== 'object') continue;
    const creds = matchAuths(parsed.auths, registry, repository, file);
    if (creds) return creds;
  }
  return undefined;
}
