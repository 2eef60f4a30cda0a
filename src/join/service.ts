/**
 * The server side of joining, served by the API server before authentication:
 *
 *   GET  /cacerts          anonymous; the cluster CA certificate (PEM), as k3s serves it.
 *   POST /v1-skiff/join    Authorization: Bearer <id>.<secret> (a bootstrap token);
 *                          body {"nodeName": NAME, "csr": PKCS#10 PEM, "nodePassword": P};
 *                          answer {"certificate": PEM (CN=system:node:NAME, O=system:nodes), "ca": PEM}.
 *
 * A name that already joined from another machine (another node password) is refused while
 * its Node exists (node-password.ts). A bootstrap token authenticates nothing else: the API proper never sees it. Errors are
 * Status objects (401 for a bad token, 400 for a bad request).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { RestClient } from '../client/index.js';
import { checkBootstrapToken, ensureBootstrapSecret } from './bootstrap-secret.js';
import { checkNodePassword } from './node-password.js';
import { signNodeCertificate } from './signer.js';
import { publishClusterNetwork, type ClusterNetwork } from './network-config.js';
import { joinTokenFor, writeJoinTokenFile } from './token-file.js';
import { parseBootstrapToken, type JoinToken } from './token.js';

export const caCertsPath = '/cacerts';
export const joinPath = '/v1-skiff/join';
const maxBody = 64 * 1024;

export interface JoinService {
  readonly token: JoinToken;
  /** The API server's pre-authentication hook: true when the request was one of ours. */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean>;
}

class HttpFailure extends Error {
  constructor(readonly code: number, readonly reason: string, message: string) { super(message); }
}

function sendStatus(res: ServerResponse, e: HttpFailure): void {
  res.writeHead(e.code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: e.reason, code: e.code }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBody) throw new HttpFailure(413, 'RequestEntityTooLarge', 'join request too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads the CA from DATA_DIR/pki, makes (or reuses) DATA_DIR/token and its bootstrap Secret,
 * and publishes the pod network settings joining agents follow (kube-system/skiff-network).
 */
export async function startJoinService(o: { dataDir: string; rest: RestClient; network?: ClusterNetwork; onError?: (err: unknown) => void }): Promise<JoinService> {
  const caCertPem = readFileSync(join(o.dataDir, 'pki', 'ca.crt'), 'utf8');
  const caKeyPem = readFileSync(join(o.dataDir, 'pki', 'ca.key'), 'utf8');
  const tokenPath = join(o.dataDir, 'token');
  const token = joinTokenFor(tokenPath, caCertPem);
  await ensureBootstrapSecret(o.rest, token.id, token.secret);
  if (o.network) await publishClusterNetwork(o.rest, o.network);
  // Written last: once the file is there, the token works (the caller serves the endpoints
  // as soon as this returns, in the same tick).
  writeJoinTokenFile(tokenPath, token);

  const join_ = async (req: IncomingMessage): Promise<{ certificate: string; ca: string }> => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const presented = parseBootstrapToken(bearer);
    if (!presented) throw new HttpFailure(401, 'Unauthorized', 'a bootstrap token (<id>.<secret>) is required to join');
    const check = await checkBootstrapToken(o.rest, presented.id, presented.secret);
    if (!check.ok) throw new HttpFailure(401, 'Unauthorized', `join refused: ${check.reason}`);
    let body: { nodeName?: unknown; csr?: unknown; nodePassword?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch (err: unknown) {
      if (err instanceof HttpFailure) throw err;
      throw new HttpFailure(400, 'BadRequest', 'join request body is not JSON');
    }
    if (typeof body.nodeName !== 'string' || typeof body.csr !== 'string') throw new HttpFailure(400, 'BadRequest', 'join request needs nodeName and csr');
    const password = await checkNodePassword(o.rest, body.nodeName, body.nodePassword);
    if (!password.ok) throw new HttpFailure(typeof body.nodePassword === 'string' ? 403 : 400, typeof body.nodePassword === 'string' ? 'Forbidden' : 'BadRequest', `join refused: ${password.reason}`);
    try {
      const certificate = await signNodeCertificate({ caCertPem, caKeyPem, csrPem: body.csr, nodeName: body.nodeName });
      return { certificate, ca: caCertPem };
    } catch (err: unknown) {
      throw new HttpFailure(400, 'BadRequest', `cannot sign the node certificate: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return {
    token,
    async handle(req, res, pathname) {
      if (pathname === caCertsPath && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(caCertPem);
        return true;
      }
      if (pathname !== joinPath) return false;
      try {
        if (req.method !== 'POST') throw new HttpFailure(405, 'MethodNotAllowed', `${joinPath} takes POST`);
        const answer = await join_(req);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(answer));
      } catch (err: unknown) {
        if (err instanceof HttpFailure) sendStatus(res, err);
        else {
          o.onError?.(err);
          sendStatus(res, new HttpFailure(500, 'InternalError', 'join failed on the server'));
        }
      }
      return true;
    },
  };
}
