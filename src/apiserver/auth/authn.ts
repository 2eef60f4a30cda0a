/**
 * Who is calling: a client certificate signed by the cluster CA, the bearer token, or a
 * service-account token (sa-token.ts).
 * Health and version endpoints are open, as upstream's system:public-info-viewer.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { timingSafeEqual } from 'node:crypto';
import { verifyServiceAccountToken } from './sa-token.js';

export interface User { readonly name: string; readonly groups: readonly string[] }

const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version']);

export function isPublicPath(pathname: string): boolean {
  return publicPaths.has(pathname);
}

/** The certificate user of each TLS connection: parsing the peer certificate per request is costly. */
const certUsers = new WeakMap<TLSSocket, User>();

/** The identity of requests from the in-process transport, which have no socket to ask. */
const inProcessUsers = new WeakMap<IncomingMessage, User>();

export function setInProcessUser(req: IncomingMessage, user: User): void {
  inProcessUsers.set(req, user);
}

/** Who each request was authenticated as (selfsubjectreviews echoes it). */
const requestUsers = new WeakMap<IncomingMessage, User>();

export function userOf(req: IncomingMessage): User | undefined {
  return requestUsers.get(req);
}

export function authenticate(req: IncomingMessage, token: string): User | undefined {
  const user = authenticateOnce(req, token);
  if (user) requestUsers.set(req, user);
  return user;
}

function authenticateOnce(req: IncomingMessage, token: string): User | undefined {
  const inProcess = inProcessUsers.get(req);
  if (inProcess) return inProcess;
  const socket = req.socket as TLSSocket;
  if (socket.authorized) {
    const known = certUsers.get(socket);
    if (known) return known;
    const cert = socket.getPeerCertificate();
    const subject = cert.subject as Record<string, string | string[]> | undefined;
    const cn = subject?.CN;
    const o = subject?.O;
    const user = { name: Array.isArray(cn) ? cn[0] ?? '' : cn ?? '', groups: Array.isArray(o) ? o : o ? [o] : [] };
    certUsers.set(socket, user);
    return user;
  }
  const auth = req.headers.authorization ?? '';
  const m = auth.match(/^Bearer\s+(\S+)$/i);
  if (m && token) {
    const given = Buffer.from(m[1] as string);
    const want = Buffer.from(token);
    if (given.length === want.length && timingSafeEqual(given, want)) return { name: 'token-admin', groups: ['system:masters'] };
  }
  if (m) return verifyServiceAccountToken(m[1] as string);
  return undefined;
}
