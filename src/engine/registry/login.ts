/**
 * Saved credentials, as `podman login` / `logout` keep them: an `"auths"` entry per registry
 * in an auth file (default `<engine root>/auth.json`, mode 0600), written only after the
 * registry accepted the credentials. Pull and push find them there (credentials.ts).
 */
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile, readJsonFile, withFileLock } from '../util/index.js';
import { RegistryClient } from './client.js';
import { normalizeAuthKey, type Credentials } from './credentials.js';

export interface LoginOptions {
  tlsVerify?: boolean;
  /** Default `<engine root>/auth.json`. */
  authFile?: string;
}

interface AuthFileContent {
  auths?: Record<string, unknown>;
  [key: string]: unknown;
}

function authFileOf(engineRoot: string, options: LoginOptions): string {
  return options.authFile ?? join(engineRoot, 'auth.json');
}

async function editAuths(file: string, edit: (auths: Record<string, unknown>) => boolean): Promise<boolean> {
  return withFileLock(`${file}.lock`, async () => {
    const content = (await readJsonFile<AuthFileContent>(file)) ?? {};
    const auths = content.auths && typeof content.auths === 'object' ? content.auths : {};
    const changed = edit(auths);
    if (changed) {
      await atomicWriteFile(file, `${JSON.stringify({ ...content, auths }, null, '\t')}\n`);
      await chmod(file, 0o600);
    }
    return changed;
  });
}

/** Checks the credentials against the registry, then saves them for it. */
export async function login(engineRoot: string, registry: string, credentials: Credentials, options: LoginOptions = {}): Promise<void> {
  const client = new RegistryClient({ registry, credentials, ...(options.tlsVerify !== undefined ? { tlsVerify: options.tlsVerify } : {}) });
  await client.checkCredentials();
  const key = normalizeAuthKey(registry);
  await editAuths(authFileOf(engineRoot, options), (auths) => {
    for (const existing of Object.keys(auths)) if (normalizeAuthKey(existing) === key) delete auths[existing];
    auths[key] = { auth: Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64') };
    return true;
  });
}

/** Forgets the saved credentials for a registry; false when there were none. */
export async function logout(engineRoot: string, registry: string, options: LoginOptions = {}): Promise<boolean> {
  const key = normalizeAuthKey(registry);
  return editAuths(authFileOf(engineRoot, options), (auths) => {
    let removed = false;
    for (const existing of Object.keys(auths)) {
      if (normalizeAuthKey(existing) === key) {
        delete auths[existing];
        removed = true;
      }
    }
    return removed;
  });
}
