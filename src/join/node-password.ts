/**
 * Node passwords, as k3s keeps them: a join token lets a machine join, but not take the name
 * of a node that already joined. Each agent makes a random password once and keeps it beside
 * its credentials (DATA_DIR/node-password); its first join stores a salted scrypt hash of it
 * in the Secret kube-system/NAME.node-password.skiff, and every later join as NAME must
 * present the same password while the Node NAME exists. Deleting the Node frees the name
 * (`kubectl delete node NAME`), so a rebuilt machine can join again under it.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { KubeObject } from '../api/types.js';
import { StatusError, isNotFound, type RestClient } from '../client/index.js';
import { ResourceClient, coreResources } from '../client/typed/index.js';

export const nodePasswordType = 'skiff.io/node-password';
const secrets = { group: '', version: 'v1', resource: 'secrets', namespaced: true } as const;
const minLength = 16;
const maxLength = 256;

interface SecretObject extends KubeObject { type?: string; data?: Record<string, string> }

export const nodePasswordSecretName = (nodeName: string): string => `${nodeName}.node-password.skiff`;

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

/** scrypt off the API server's thread (the libuv pool): ~50 ms of CPU a join. */
function hashOf(password: string, salt: Buffer): Promise<Buffer> {
  return scryptAsync(password, salt, 32);
}

async function secretFor(nodeName: string, password: string): Promise<SecretObject> {
  const salt = randomBytes(16);
  return {
    apiVersion: 'v1', kind: 'Secret',
    metadata: { name: nodePasswordSecretName(nodeName), namespace: 'kube-system', labels: { 'skiff.io/node': nodeName } },
    type: nodePasswordType,
    data: { salt: salt.toString('base64'), hash: (await hashOf(password, salt)).toString('base64') },
  };
}

async function matches(secret: SecretObject, password: string): Promise<boolean> {
  const salt = Buffer.from(secret.data?.['salt'] ?? '', 'base64');
  const stored = Buffer.from(secret.data?.['hash'] ?? '', 'base64');
  if (salt.length === 0 || stored.length !== 32) return false;
  return timingSafeEqual(stored, await hashOf(password, salt));
}

export type PasswordCheck = { ok: true } | { ok: false; reason: string };

/** Whether `password` may join as `nodeName`; records it when the name is free. */
export async function checkNodePassword(rest: RestClient, nodeName: string, password: unknown): Promise<PasswordCheck> {
  if (typeof password !== 'string' || password.length < minLength || password.length > maxLength) {
    return { ok: false, reason: `a node password of ${minLength}-${maxLength} characters is required` };
  }
  const client = new ResourceClient<SecretObject>(rest, secrets);
  const name = nodePasswordSecretName(nodeName);
  for (let attempt = 0; attempt < 3; attempt++) {
    let have: SecretObject | undefined;
    try {
      have = await client.get('kube-system', name);
    } catch (err: unknown) {
      if (!isNotFound(err)) throw err;
    }
    if (have && await matches(have, password)) return { ok: true };
    if (have) {
      // The name is taken while its Node exists; a deleted Node frees it.
      const nodeExists = await new ResourceClient(rest, coreResources.nodes).get(undefined, nodeName).then(() => true, (err: unknown) => {
        if (isNotFound(err)) return false;
        throw err;
      });
      if (nodeExists) {
        return { ok: false, reason: `node ${nodeName} already joined from another machine (its node password differs); delete the Node (kubectl delete node ${nodeName}) to let this machine take the name` };
      }
    }
    try {
      const fresh = await secretFor(nodeName, password);
      if (have) await client.update({ ...fresh, metadata: { ...fresh.metadata, resourceVersion: have.metadata?.resourceVersion ?? '' } });
      else await client.create('kube-system', fresh);
      return { ok: true };
    } catch (err: unknown) {
      // Another join for the same name got there first: check against what it stored.
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
  }
  return { ok: false, reason: `node ${nodeName} is joining from several machines at once` };
}

/** The agent's node password, made once and kept in `path` (mode 0600). */
export function agentNodePassword(path: string): string {
  if (existsSync(path)) {
    const kept = readFileSync(path, 'utf8').trim();
    if (kept.length >= minLength) return kept;
  }
  const made = randomBytes(24).toString('hex');
  writeFileSync(path, `${made}\n`, { mode: 0o600 });
  return made;
}
