/**
 * Bootstrap tokens as upstream stores them: a Secret kube-system/bootstrap-token-<id> of type
 * bootstrap.kubernetes.io/token with token-id, token-secret, usage-bootstrap-authentication
 * and an optional expiration (RFC 3339). The join service checks a presented token here.
 */
import { timingSafeEqual } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import { isNotFound, type RestClient } from '../client/index.js';
import { ResourceClient } from '../client/typed/index.js';

const secrets = { group: '', version: 'v1', resource: 'secrets', namespaced: true };
export const bootstrapTokenType = 'bootstrap.kubernetes.io/token';
export const bootstrapGroup = 'system:bootstrappers:skiff:default-node-token';

interface SecretObject extends KubeObject { type?: string; data?: Record<string, string> }

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined): string => (s ? Buffer.from(s, 'base64').toString('utf8') : '');

export function bootstrapSecret(id: string, secret: string): SecretObject {
  return {
    apiVersion: 'v1', kind: 'Secret',
    metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
    type: bootstrapTokenType,
    data: {
      'token-id': b64(id), 'token-secret': b64(secret), description: b64('skiff node join token (DATA_DIR/token)'),
      'usage-bootstrap-authentication': b64('true'), 'auth-extra-groups': b64(bootstrapGroup),
    },
  };
}

/** Creates the Secret, or rewrites it when it holds another secret. */
export async function ensureBootstrapSecret(rest: RestClient, id: string, secret: string): Promise<void> {
  const client = new ResourceClient<SecretObject>(rest, secrets);
  const want = bootstrapSecret(id, secret);
  try {
    const have = await client.get('kube-system', want.metadata?.name ?? '');
    if (unb64(have.data?.['token-secret']) === secret && have.type === bootstrapTokenType) return;
    await client.update({ ...have, type: want.type, data: want.data ?? {} });
  } catch (err: unknown) {
    if (!isNotFound(err)) throw err;
    await client.create('kube-system', want);
  }
}

export type TokenCheck = { ok: true } | { ok: false; reason: string };

/** Whether `id.secret` is a live bootstrap token allowed to authenticate (i.e. to join). */
export async function checkBootstrapToken(rest: RestClient, id: string, secret: string, now = new Date()): Promise<TokenCheck> {
  let have: SecretObject;
  try {
    have = await new ResourceClient<SecretObject>(rest, secrets).get('kube-system', `bootstrap-token-${id}`);
  } catch (err: unknown) {
    if (isNotFound(err)) return { ok: false, reason: `no bootstrap token ${id}` };
    throw err;
  }
  if (have.type !== bootstrapTokenType) return { ok: false, reason: `secret bootstrap-token-${id} is not a bootstrap token` };
  const stored = Buffer.from(unb64(have.data?.['token-secret']));
  const given = Buffer.from(secret);
  if (stored.length !== given.length || !timingSafeEqual(stored, given)) return { ok: false, reason: `wrong secret for bootstrap token ${id}` };
  if (unb64(have.data?.['usage-bootstrap-authentication']) !== 'true') return { ok: false, reason: `bootstrap token ${id} may not authenticate` };
  const expiration = unb64(have.data?.['expiration']);
  if (expiration && Date.parse(expiration) <= now.getTime()) return { ok: false, reason: `bootstrap token ${id} expired at ${expiration}` };
  return { ok: true };
}
