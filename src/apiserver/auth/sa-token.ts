/**
 * Service-account tokens: JWTs (ES256, or RS256 for an RSA key) signed with the API server's
 * service-account key, as the
 * upstream TokenRequest API issues them (`serviceaccounts/NAME/token`), and checked on every
 * bearer request: a valid one authenticates as system:serviceaccount:NS:NAME in the groups
 * system:serviceaccounts, system:serviceaccounts:NS and system:authenticated. Bound to a pod
 * when the caller names one (the claims carry it, as upstream's).
 *
 * Minimal on purpose: the key (DATA_DIR/pki/sa.key) is registered once per process
 * (useServiceAccountKeyFile) by the component that serves TokenRequest (today the node
 * agent inside `skiff server`, kubelet/in-server.ts); the service account's (and pod's) existence is not
 * re-checked at each request.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/types.js';
import { errors } from '../../machinery/errors.js';
import { readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { User } from './authn.js';

export const serviceAccountIssuer = 'https://kubernetes.default.svc.cluster.local';

type Algorithm = 'ES256' | 'RS256';
interface Keys { privateKey: KeyObject; publicKey: KeyObject; alg: Algorithm }
let keys: Keys | undefined;

/**
 * Sets the signing key (PEM: EC P-256, or RSA) of this process's API server; tokens are
 * verified with it. The key's type gives the JWT algorithm, as kube-apiserver's
 * --service-account-signing-key-file does.
 */
export function useServiceAccountKey(privateKeyPem: string): void {
  const privateKey = createPrivateKey(privateKeyPem);
  const type = privateKey.asymmetricKeyType;
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (type === 'ec' && curve !== 'prime256v1') throw new Error(`service-account key: EC keys must be on P-256, not ${curve ?? 'an unknown curve'}`);
  if (type !== 'ec' && type !== 'rsa') throw new Error(`service-account key: ${type ?? 'unknown'} keys are not supported (EC P-256 or RSA)`);
  keys = { privateKey, publicKey: createPublicKey(privateKey), alg: type === 'ec' ? 'ES256' : 'RS256' };
}

/** JWS signing input signed or checked the way its algorithm says (ES256: r||s, not DER). */
function jwsSign(alg: Algorithm, input: string, key: KeyObject): Buffer {
  return alg === 'ES256' ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', Buffer.from(input), key);
}

function jwsVerify(alg: Algorithm, input: string, key: KeyObject, signature: Buffer): boolean {
  return alg === 'ES256' ? verify('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, signature) : verify('sha256', Buffer.from(input), key, signature);
}

/**
 * Loads DIR/sa.key (made on first use, mode 0600) and uses it: its own key, so tokens stay
 * valid when the serving certificate is re-made for new names. A new key is EC P-256: every
 * pod start signs a token, and an RSA-2048 signature costs ~1-3 ms of the API server's CPU
 * against ~0.1 ms (a key made by an older skiff, RSA, is kept).
 */
export async function useServiceAccountKeyFile(dir: string): Promise<void> {
  const path = join(dir, 'sa.key');
  let pem = await readFile(path, 'utf8').catch(() => undefined);
  if (!pem) {
    const { privateKey } = await promisify(generateKeyPair)('ec', { namedCurve: 'P-256' });
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFile(path, pem, { mode: 0o600, flag: 'wx' }).catch(async (err: unknown) => {
      // Another process made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      pem = await readFile(path, 'utf8');
    });
  }
  useServiceAccountKey(pem);
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': { namespace: string; serviceaccount: { name: string; uid: string }; pod?: { name: string; uid: string } };
}

export function signServiceAccountToken(o: { namespace: string; name: string; uid: string; audiences?: string[]; expirationSeconds?: number; pod?: { name: string; uid: string }; now?: Date }): { token: string; expires: Date } {
  if (!keys) throw errors.internal('service account token signing is not configured');
  const now = Math.floor((o.now ?? new Date()).getTime() / 1000);
  const exp = now + (o.expirationSeconds ?? 3600);
  const claims: TokenClaims = {
    iss: serviceAccountIssuer, sub: `system:serviceaccount:${o.namespace}:${o.name}`, aud: o.audiences?.length ? o.audiences : [serviceAccountIssuer],
    exp, iat: now, nbf: now, jti: randomUUID(),
    'kubernetes.io': { namespace: o.namespace, serviceaccount: { name: o.name, uid: o.uid }, ...(o.pod ? { pod: o.pod } : {}) },
  };
  const unsigned = `${b64url(JSON.stringify({ alg: keys.alg, typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  const signature = jwsSign(keys.alg, unsigned, keys.privateKey);
  return { token: `${unsigned}.${b64url(signature)}`, expires: new Date(exp * 1000) };
}

/** The user a service-account token stands for, or undefined if it is not one of ours or is invalid/expired. */
export function verifyServiceAccountToken(token: string, now: Date = new Date()): User | undefined {
  if (!keys) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  try {
    const h = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string };
    if (h.alg !== keys.alg) return undefined;
    if (!jwsVerify(keys.alg, `${header}.${payload}`, keys.publicKey, Buffer.from(signature, 'base64url'))) return undefined;
    const c = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Partial<TokenClaims>;
    const t = Math.floor(now.getTime() / 1000);
    if (c.iss !== serviceAccountIssuer || typeof c.exp !== 'number' || c.exp < t || (typeof c.nbf === 'number' && c.nbf > t + 60)) return undefined;
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(c.sub ?? '');
    if (!m) return undefined;
    return { name: c.sub ?? '', groups: ['system:serviceaccounts', `system:serviceaccounts:${m[1] ?? ''}`, 'system:authenticated'] };
  } catch {
    return undefined;
  }
}

interface TokenRequestBody { spec?: { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: { kind?: string; name?: string; uid?: string } } }

/**
 * POST serviceaccounts/NAME/token (authentication.k8s.io/v1 TokenRequest): the handler the
 * API server calls with the live ServiceAccount. Answers 201 with status.token.
 */
export function tokenRequestHandler(): (req: IncomingMessage, res: ServerResponse, target: { namespace: string | undefined; name: string; object: KubeObject }) => Promise<void> {
  return async (req, res, target) => {
    if (req.method !== 'POST') throw errors.methodNotAllowed(`${req.method ?? ''} is not supported on serviceaccounts/token`);
    const raw = (await readBody(req)).toString('utf8');
    let body: TokenRequestBody = {};
    try {
      body = raw ? (JSON.parse(raw) as TokenRequestBody) : {};
    } catch {
      throw errors.badRequest('the TokenRequest body must be JSON');
    }
    const spec = body.spec ?? {};
    const expirationSeconds = spec.expirationSeconds ?? 3600;
    if (expirationSeconds < 600) throw errors.badRequest('spec.expirationSeconds: Invalid value: may not specify a duration less than 10 minutes');
    const ref = spec.boundObjectRef;
    const pod = ref?.kind === 'Pod' && ref.name ? { name: ref.name, uid: ref.uid ?? '' } : undefined;
    const namespace = target.namespace ?? 'default';
    const { token, expires } = signServiceAccountToken({ namespace, name: target.name, uid: target.object.metadata?.uid ?? '', audiences: spec.audiences ?? [], expirationSeconds, ...(pod ? { pod } : {}) });
    sendJson(res, 201, {
      kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: target.name, namespace, creationTimestamp: null },
      spec: { audiences: spec.audiences?.length ? spec.audiences : [serviceAccountIssuer], expirationSeconds, boundObjectRef: ref ?? null },
      status: { token, expirationTimestamp: expires.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    });
  };
}
